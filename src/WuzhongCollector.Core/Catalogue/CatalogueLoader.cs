using System.Globalization;
using WuzhongCollector.Core.Normalisation;
using WuzhongCollector.Core.Sources;
using YamlDotNet.RepresentationModel;

namespace WuzhongCollector.Core.Catalogue;

/// <summary>Reads <c>config/catalogue.yaml</c> and reports every problem with its line.</summary>
public static class CatalogueLoader
{
    public static (IndicatorCatalogue? Catalogue, IReadOnlyList<ConfigError> Errors) Load(string path)
    {
        var errors = new List<ConfigError>();
        var file = Path.GetFileName(path);
        YamlMappingNode root;
        try
        {
            root = YamlNodes.LoadRoot(File.ReadAllText(path), file);
        }
        catch (ConfigException ex)
        {
            return (null, [ex.Error]);
        }

        var indicators = new List<Indicator>();
        if (YamlNodes.Child(root, "indicators") is not YamlSequenceNode list)
        {
            errors.Add(new ConfigError(file, 1, "indicators", "a list of indicators is required"));
            return (null, errors);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var node in list.Children)
        {
            var at = $"indicators[{index++}]";
            if (node is not YamlMappingNode map)
            {
                errors.Add(YamlNodes.Error(file, node, at, "must be a mapping"));
                continue;
            }

            var indicator = ReadIndicator(file, map, at, errors);
            if (indicator is null)
            {
                continue;
            }

            if (!seen.Add(indicator.Code))
            {
                errors.Add(YamlNodes.Error(file, map, $"{at}.code", $"duplicate indicator code '{indicator.Code}'"));
            }

            indicators.Add(indicator);
        }

        foreach (var derived in indicators.Where(i => i.Kind == IndicatorKind.Derived))
        {
            if (derived.DerivedFrom is null || !seen.Contains(derived.DerivedFrom))
            {
                errors.Add(new ConfigError(file, 0, $"{derived.Code}.derivedFrom", $"derived indicator must name an indicator of this catalogue, got '{derived.DerivedFrom}'"));
            }
        }

        return errors.Count == 0 ? (new IndicatorCatalogue(indicators), errors) : (null, errors);
    }

    private static Indicator? ReadIndicator(string file, YamlMappingNode map, string at, List<ConfigError> errors)
    {
        string Required(string key)
        {
            var value = YamlNodes.Scalar(map, key);
            if (string.IsNullOrWhiteSpace(value))
            {
                errors.Add(YamlNodes.Error(file, map, $"{at}.{key}", "is required"));
            }

            return value ?? string.Empty;
        }

        var code = Required("code");
        var nameZh = Required("nameZh");
        var nameEn = Required("nameEn");
        var unit = Required("unit");
        var kindText = Required("kind");
        var section = Required("section");
        var planText = Required("planText");

        if (unit.Length > 0 && !Units.IsKnown(unit))
        {
            errors.Add(YamlNodes.Error(file, map, $"{at}.unit", $"unknown unit '{unit}'"));
        }

        IndicatorKind? kind = kindText switch
        {
            "annual-flow" => IndicatorKind.AnnualFlow,
            "stock" => IndicatorKind.Stock,
            "cumulative" => IndicatorKind.Cumulative,
            "percentage" => IndicatorKind.Percentage,
            "derived" => IndicatorKind.Derived,
            _ => null,
        };
        if (kind is null && kindText.Length > 0)
        {
            errors.Add(YamlNodes.Error(file, map, $"{at}.kind", $"unknown kind '{kindText}' (annual-flow, stock, cumulative, percentage, derived)"));
        }

        var departments = YamlNodes.Child(map, "departments") is YamlSequenceNode deps
            ? deps.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? string.Empty).ToList()
            : [];

        var targets = new List<Target>();
        if (YamlNodes.Child(map, "targets") is YamlSequenceNode targetNodes && targetNodes.Children.Count > 0)
        {
            var t = 0;
            foreach (var targetNode in targetNodes.Children.OfType<YamlMappingNode>())
            {
                var tat = $"{at}.targets[{t++}]";
                var comparator = ComparatorText.Parse(YamlNodes.Scalar(targetNode, "comparator"));
                var valueOk = decimal.TryParse(YamlNodes.Scalar(targetNode, "value"), NumberStyles.Number, CultureInfo.InvariantCulture, out var value);
                var yearOk = int.TryParse(YamlNodes.Scalar(targetNode, "year"), NumberStyles.None, CultureInfo.InvariantCulture, out var year);
                if (comparator is null)
                {
                    errors.Add(YamlNodes.Error(file, targetNode, $"{tat}.comparator", "must be >=, > or <="));
                }

                if (!valueOk)
                {
                    errors.Add(YamlNodes.Error(file, targetNode, $"{tat}.value", "must be a number"));
                }

                if (!yearOk || year is < 2000 or > 2100)
                {
                    errors.Add(YamlNodes.Error(file, targetNode, $"{tat}.year", "must be a year"));
                }

                if (comparator is not null && valueOk && yearOk)
                {
                    targets.Add(new Target(comparator.Value, value, year));
                }
            }
        }
        else
        {
            errors.Add(YamlNodes.Error(file, map, $"{at}.targets", "at least one target is required"));
        }

        int? trackedUntil = null;
        if (YamlNodes.Scalar(map, "trackedUntil") is { } trackedText)
        {
            if (int.TryParse(trackedText, NumberStyles.None, CultureInfo.InvariantCulture, out var tracked) && tracked is >= 2000 and <= 2100)
            {
                trackedUntil = tracked;
            }
            else
            {
                errors.Add(YamlNodes.Error(file, YamlNodes.Child(map, "trackedUntil")!, $"{at}.trackedUntil", "must be a year (the last year figures are expected, after the plan ended)"));
            }
        }

        if (kind is null || code.Length == 0)
        {
            return null;
        }

        return new Indicator(code, nameZh, nameEn, unit, kind.Value, section, departments, targets, planText,
            YamlNodes.Scalar(map, "derivedFrom"), YamlNodes.Scalar(map, "formula"), YamlNodes.Scalar(map, "note"), trackedUntil);
    }
}
