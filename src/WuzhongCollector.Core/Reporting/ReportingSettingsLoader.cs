using System.Globalization;
using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Freshness;
using WuzhongCollector.Core.Sources;
using YamlDotNet.RepresentationModel;

namespace WuzhongCollector.Core.Reporting;

/// <summary>
/// Reads <c>config/reporting.yaml</c>, reporting every problem with its line. Every collected indicator with a
/// responsible department (责任单位) is reported by the first one the catalogue names (the lead, 牵头单位), on the
/// department's cadence or the default, unless the file says otherwise for that indicator.
/// </summary>
public static class ReportingSettingsLoader
{
    private static readonly string[] TopKeys = ["defaults", "departments", "indicators"];
    private static readonly string[] RuleKeys = ["cadence", "dueDays"];
    private static readonly string[] IndicatorKeys = ["department", "cadence", "dueDays", "reported"];

    /// <summary>A missing file means no reporting at all.</summary>
    public static (ReportingSettings? Settings, IReadOnlyList<ConfigError> Errors) Load(string path, IndicatorCatalogue catalogue) =>
        File.Exists(path) ? Parse(Path.GetFileName(path), File.ReadAllText(path), catalogue) : (ReportingSettings.None, []);

    public static (ReportingSettings? Settings, IReadOnlyList<ConfigError> Errors) Parse(string file, string text, IndicatorCatalogue catalogue)
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
        var fallback = Rule(file, Mapping(file, root, "defaults", RuleKeys, errors), "defaults", new FreshnessRule(Cadence.Yearly, 60), errors);

        var known = catalogue.Indicators.SelectMany(i => i.Departments).ToHashSet(StringComparer.Ordinal);
        var byDepartment = new Dictionary<string, FreshnessRule>(StringComparer.Ordinal);
        if (Mapping(file, root, "departments", null, errors) is { } departments)
        {
            foreach (var (key, node) in departments.Children)
            {
                var name = ((YamlScalarNode)key).Value ?? string.Empty;
                var at = $"departments.{name}";
                if (!known.Contains(name))
                {
                    errors.Add(YamlNodes.Error(file, key, at, "not a responsible department of any indicator in catalogue.yaml"));
                }

                if (node is not YamlMappingNode map)
                {
                    errors.Add(YamlNodes.Error(file, node, at, "must be a mapping with cadence and/or dueDays"));
                    continue;
                }

                YamlNodes.CheckKeys(file, map, at, RuleKeys, errors);
                byDepartment[name] = Rule(file, map, at, fallback, errors);
            }
        }

        var overrides = new Dictionary<string, (YamlMappingNode Map, string At)>(StringComparer.Ordinal);
        if (Mapping(file, root, "indicators", null, errors) is { } indicators)
        {
            foreach (var (key, node) in indicators.Children)
            {
                var code = ((YamlScalarNode)key).Value ?? string.Empty;
                var at = $"indicators.{code}";
                var indicator = catalogue.Find(code);
                if (indicator is null || indicator.Kind == IndicatorKind.Derived)
                {
                    errors.Add(YamlNodes.Error(file, key, at, indicator is null ? "unknown indicator code (see catalogue.yaml)" : "a derived indicator is computed, never reported"));
                }
                else if (node is not YamlMappingNode map)
                {
                    errors.Add(YamlNodes.Error(file, node, at, "must be a mapping (department, cadence, dueDays, reported)"));
                }
                else
                {
                    YamlNodes.CheckKeys(file, map, at, IndicatorKeys, errors);
                    overrides[code] = (map, at);
                }
            }
        }

        var assignments = new List<ReportingAssignment>();
        foreach (var indicator in catalogue.Indicators.Where(i => i.Kind != IndicatorKind.Derived))
        {
            var department = indicator.Departments.Count > 0 ? indicator.Departments[0] : null;
            var rule = department is not null && byDepartment.TryGetValue(department, out var own) ? own : fallback;
            if (overrides.TryGetValue(indicator.Code, out var entry))
            {
                var reported = YamlNodes.Scalar(entry.Map, "reported");
                if (reported is not null and not ("true" or "false"))
                {
                    errors.Add(YamlNodes.Error(file, YamlNodes.Child(entry.Map, "reported")!, $"{entry.At}.reported", "must be true or false"));
                }

                if (reported == "false")
                {
                    continue;
                }

                if (YamlNodes.Scalar(entry.Map, "department") is { } named)
                {
                    if (!indicator.Departments.Contains(named))
                    {
                        errors.Add(YamlNodes.Error(file, YamlNodes.Child(entry.Map, "department")!, $"{entry.At}.department",
                            $"'{named}' is not among the indicator's departments in catalogue.yaml ({string.Join("、", indicator.Departments)})"));
                    }

                    department = named;
                    rule = byDepartment.GetValueOrDefault(named, fallback);
                }

                rule = Rule(file, entry.Map, entry.At, rule, errors);
            }

            if (department is not null)
            {
                assignments.Add(new ReportingAssignment(indicator, department, rule));
            }
        }

        return errors.Count == 0 ? (new ReportingSettings(assignments), errors) : (null, errors);
    }

    private static YamlMappingNode? Mapping(string file, YamlMappingNode root, string key, string[]? allowed, List<ConfigError> errors)
    {
        var node = YamlNodes.Child(root, key);
        if (node is null or YamlScalarNode { Value: null or "" or "~" or "null" })
        {
            return null;
        }

        if (node is not YamlMappingNode map)
        {
            errors.Add(YamlNodes.Error(file, node, key, "must be a mapping"));
            return null;
        }

        if (allowed is not null)
        {
            YamlNodes.CheckKeys(file, map, key, allowed, errors);
        }

        return map;
    }

    /// <summary>cadence and dueDays of <paramref name="map"/>, each falling back to <paramref name="fallback"/>'s.</summary>
    private static FreshnessRule Rule(string file, YamlMappingNode? map, string at, FreshnessRule fallback, List<ConfigError> errors)
    {
        if (map is null)
        {
            return fallback;
        }

        var cadence = fallback.Cadence;
        if (YamlNodes.Scalar(map, "cadence") is { } cadenceText)
        {
            if (FreshnessRule.ParseCadence(cadenceText) is { } parsed)
            {
                cadence = parsed;
            }
            else
            {
                errors.Add(YamlNodes.Error(file, YamlNodes.Child(map, "cadence")!, $"{at}.cadence", $"'{cadenceText}' must be yearly, quarterly or monthly"));
            }
        }

        var dueDays = fallback.PublicationLagDays;
        if (YamlNodes.Scalar(map, "dueDays") is { } dueText)
        {
            if (int.TryParse(dueText, NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days <= 366)
            {
                dueDays = days;
            }
            else
            {
                errors.Add(YamlNodes.Error(file, YamlNodes.Child(map, "dueDays")!, $"{at}.dueDays", $"'{dueText}' must be a whole number of days from 0 to 366"));
            }
        }

        return new FreshnessRule(cadence, dueDays);
    }
}
