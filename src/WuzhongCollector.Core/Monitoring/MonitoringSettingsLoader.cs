using System.Globalization;
using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Normalisation;
using WuzhongCollector.Core.Quality;
using WuzhongCollector.Core.Sources;
using YamlDotNet.RepresentationModel;

namespace WuzhongCollector.Core.Monitoring;

/// <summary>Reads <c>config/monitoring.yaml</c>, reporting every problem with its line. A missing file means the defaults.</summary>
public static class MonitoringSettingsLoader
{
    private static readonly string[] TopKeys = ["baseYear", "planEndYear", "status", "outliers", "ranges"];
    private static readonly string[] StatusKeys = ["onTrackFrom", "atRiskFrom"];
    private static readonly string[] OutlierKeys = ["threshold", "minPoints"];
    private static readonly string[] RangesKeys = ["dimensions", "indicators"];
    private static readonly string[] RangeKeys = ["min", "max"];

    private static readonly Dictionary<string, UnitDimension> Dimensions = new(StringComparer.Ordinal)
    {
        ["percent"] = UnitDimension.Percent,
        ["count"] = UnitDimension.Count,
        ["money"] = UnitDimension.Money,
        ["bandwidth"] = UnitDimension.Bandwidth,
        ["ratio"] = UnitDimension.Ratio,
    };

    public static (MonitoringSettings? Settings, IReadOnlyList<ConfigError> Errors) Load(string path, IndicatorCatalogue catalogue)
    {
        var errors = new List<ConfigError>();
        CheckFormulas(catalogue, errors);
        if (!File.Exists(path))
        {
            return errors.Count == 0 ? (new MonitoringSettings(), errors) : (null, errors);
        }

        var (settings, parseErrors) = Parse(Path.GetFileName(path), File.ReadAllText(path), catalogue);
        errors.AddRange(parseErrors);
        return errors.Count == 0 ? (settings, errors) : (null, errors);
    }

    public static (MonitoringSettings? Settings, IReadOnlyList<ConfigError> Errors) Parse(string file, string text, IndicatorCatalogue catalogue)
    {
        var errors = new List<ConfigError>();
        YamlMappingNode root;
        try
        {
            root = YamlNodes.LoadRoot(text, file);
        }
        catch (ConfigException ex)
        {
            return (null, [ex.Error]);
        }

        YamlNodes.CheckKeys(file, root, string.Empty, TopKeys, errors);
        var defaults = new MonitoringSettings();
        var baseYear = (int)Number(file, root, "baseYear", "baseYear", defaults.BaseYear, 2000, 2100, errors);
        var planEndYear = (int)Number(file, root, "planEndYear", "planEndYear", Math.Max(defaults.PlanEndYear, baseYear + 1), baseYear + 1, 2100, errors);

        var onTrack = defaults.OnTrackFrom;
        var atRisk = defaults.AtRiskFrom;
        if (Section(file, root, "status", StatusKeys, errors) is { } status)
        {
            onTrack = Number(file, status, "onTrackFrom", "status.onTrackFrom", onTrack, 0.01m, 2m, errors);
            atRisk = Number(file, status, "atRiskFrom", "status.atRiskFrom", atRisk, 0m, 2m, errors);
            if (atRisk > onTrack)
            {
                errors.Add(YamlNodes.Error(file, status, "status.atRiskFrom", $"must not exceed onTrackFrom ({onTrack.ToString(CultureInfo.InvariantCulture)})"));
            }
        }

        var threshold = defaults.OutlierThreshold;
        var minPoints = defaults.OutlierMinPoints;
        if (Section(file, root, "outliers", OutlierKeys, errors) is { } outliers)
        {
            threshold = Number(file, outliers, "threshold", "outliers.threshold", threshold, 0.1m, 100m, errors);
            minPoints = (int)Number(file, outliers, "minPoints", "outliers.minPoints", minPoints, 3, 1000, errors);
        }

        var dimensionRanges = defaults.DimensionRanges;
        var indicatorRanges = new Dictionary<string, RangeRule>(StringComparer.Ordinal);
        if (Section(file, root, "ranges", RangesKeys, errors) is { } ranges)
        {
            if (YamlNodes.Child(ranges, "dimensions") is YamlMappingNode dimensions)
            {
                var byDimension = new Dictionary<UnitDimension, RangeRule>();
                foreach (var (key, node) in Ranges(file, dimensions, "ranges.dimensions", errors))
                {
                    if (Dimensions.TryGetValue(key.Value!, out var dimension))
                    {
                        byDimension[dimension] = node;
                    }
                    else
                    {
                        errors.Add(YamlNodes.Error(file, key, $"ranges.dimensions.{key.Value}", $"unknown unit dimension (known: {string.Join(", ", Dimensions.Keys)})"));
                    }
                }

                dimensionRanges = byDimension;
            }

            if (YamlNodes.Child(ranges, "indicators") is YamlMappingNode indicators)
            {
                foreach (var (key, node) in Ranges(file, indicators, "ranges.indicators", errors))
                {
                    if (catalogue.Contains(key.Value!))
                    {
                        indicatorRanges[key.Value!] = node;
                    }
                    else
                    {
                        errors.Add(YamlNodes.Error(file, key, $"ranges.indicators.{key.Value}", "unknown indicator code (see config/catalogue.yaml)"));
                    }
                }
            }
        }

        var settings = new MonitoringSettings
        {
            BaseYear = baseYear,
            PlanEndYear = planEndYear,
            OnTrackFrom = onTrack,
            AtRiskFrom = atRisk,
            OutlierThreshold = threshold,
            OutlierMinPoints = minPoints,
            DimensionRanges = dimensionRanges,
            IndicatorRanges = indicatorRanges,
        };
        return errors.Count == 0 ? (settings, errors) : (null, errors);
    }

    /// <summary>Only the formulas the progress rules can compute may appear in the catalogue.</summary>
    private static void CheckFormulas(IndicatorCatalogue catalogue, List<ConfigError> errors)
    {
        foreach (var derived in catalogue.Indicators.Where(i => i.Kind == IndicatorKind.Derived && i.Formula != "cagr"))
        {
            errors.Add(new ConfigError("catalogue.yaml", 0, $"{derived.Code}.formula", $"unknown formula '{derived.Formula}' (known: cagr)"));
        }
    }

    private static YamlMappingNode? Section(string file, YamlMappingNode root, string key, string[] allowed, List<ConfigError> errors)
    {
        var node = YamlNodes.Child(root, key);
        if (node is null)
        {
            return null;
        }

        if (node is not YamlMappingNode map)
        {
            errors.Add(YamlNodes.Error(file, node, key, "must be a mapping"));
            return null;
        }

        YamlNodes.CheckKeys(file, map, key, allowed, errors);
        return map;
    }

    private static IEnumerable<(YamlScalarNode Key, RangeRule Rule)> Ranges(string file, YamlMappingNode map, string at, List<ConfigError> errors)
    {
        foreach (var (keyNode, node) in map.Children)
        {
            var key = (YamlScalarNode)keyNode;
            var field = $"{at}.{key.Value}";
            if (node is not YamlMappingNode range)
            {
                errors.Add(YamlNodes.Error(file, node, field, "must be a mapping with min and/or max"));
                continue;
            }

            YamlNodes.CheckKeys(file, range, field, RangeKeys, errors);
            var min = OptionalNumber(file, range, "min", $"{field}.min", errors);
            var max = OptionalNumber(file, range, "max", $"{field}.max", errors);
            if (min is null && max is null)
            {
                errors.Add(YamlNodes.Error(file, range, field, "set min, max or both"));
            }
            else if (min > max)
            {
                errors.Add(YamlNodes.Error(file, range, field, "min must not exceed max"));
            }
            else
            {
                yield return (key, new RangeRule(min, max));
            }
        }
    }

    private static decimal Number(string file, YamlMappingNode map, string key, string field, decimal fallback, decimal min, decimal max, List<ConfigError> errors)
    {
        var value = OptionalNumber(file, map, key, field, errors);
        if (value is null)
        {
            return fallback;
        }

        if (value < min || value > max)
        {
            errors.Add(YamlNodes.Error(file, YamlNodes.Child(map, key)!, field,
                string.Create(CultureInfo.InvariantCulture, $"must be between {min} and {max}")));
            return fallback;
        }

        return value.Value;
    }

    private static decimal? OptionalNumber(string file, YamlMappingNode map, string key, string field, List<ConfigError> errors)
    {
        var text = YamlNodes.Scalar(map, key);
        if (text is null)
        {
            return null;
        }

        if (!decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value))
        {
            errors.Add(YamlNodes.Error(file, YamlNodes.Child(map, key)!, field, $"'{text}' must be a number"));
            return null;
        }

        return value;
    }
}
