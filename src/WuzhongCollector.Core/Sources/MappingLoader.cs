using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Normalisation;
using WuzhongCollector.Core.OpenData;
using WuzhongCollector.Core.Tables;
using YamlDotNet.RepresentationModel;

namespace WuzhongCollector.Core.Sources;

/// <summary>
/// Reads a source file's <c>mapping</c> block: which field of a record is which part of an observation, the
/// several values a record may hold (<c>values</c>), settings per column and per indicator, and the rules that
/// skip records (<c>skip</c>). Every error is reported with its line.
/// </summary>
internal static class MappingLoader
{
    internal static readonly string[] MappingKeys = ["indicator", "area", "period", "value", "values", "unit", "status", "percentAsFraction", "columns", "indicators", "skip"];
    internal static readonly string[] FieldKeys = ["from", "const", "codes", "unlisted"];
    internal static readonly string[] ValueKeys = ["from", "indicator", "unit", "percentAsFraction", "periodType"];
    internal static readonly string[] SettingsKeys = ["unit", "percentAsFraction", "periodType"];

    // A layout block can supply the period ($period) and, for a wide table, the value ($value).
    public static RecordMapping? Read(string file, YamlMappingNode? node, IndicatorCatalogue catalogue, TableLayout? layout, List<ConfigError> errors)
    {
        if (node is null)
        {
            return null;
        }

        YamlNodes.CheckKeys(file, node, "mapping", MappingKeys, errors);
        var values = ReadValues(file, node, catalogue, layout, errors);
        var indicator = ReadField(file, node, "indicator", required: values.Count == 0 || values.Any(v => v.Indicator is null), errors);
        var area = ReadField(file, node, "area", required: false, errors) ?? FieldMap.Constant(RecordMapping.WuzhongArea);
        var period = ReadPeriod(file, node, required: layout is null, errors) ?? new FieldMap(TableFieldDictionary.PeriodField, null);
        var value = values.Count > 0 ? values[0].Value : ReadField(file, node, "value", required: layout?.Wide is null, errors) ?? new FieldMap(TableFieldDictionary.Value, null);
        LayoutLoader.CheckLayoutFields(file, node, layout, errors);
        var unit = ReadField(file, node, "unit", required: false, errors);
        var status = ReadField(file, node, "status", required: false, errors);

        if (indicator is not null)
        {
            var at = YamlNodes.Child(node, "indicator")!;
            foreach (var code in (indicator.Codes?.Values ?? []).Append(indicator.Const).OfType<string>())
            {
                CheckIndicator(file, at, "mapping.indicator", code, catalogue, errors);
            }
        }

        if (unit?.Const is { } unitConst && !Units.IsKnown(unitConst))
        {
            errors.Add(YamlNodes.Error(file, YamlNodes.Child(node, "unit")!, "mapping.unit", $"unknown unit '{unitConst}'"));
        }

        if (status?.Const is { } statusConst && ObservationStatusText.Parse(statusConst) is null)
        {
            errors.Add(YamlNodes.Error(file, YamlNodes.Child(node, "status")!, "mapping.status", $"unknown status '{statusConst}' (normal, provisional, estimated, break)"));
        }

        var fraction = Bool(file, node, "percentAsFraction", "mapping.percentAsFraction", errors) ?? false;
        var columns = ReadSettingsMap(file, node, "columns", catalogue: null, errors);
        var indicators = ReadSettingsMap(file, node, "indicators", catalogue, errors);
        var skip = ReadSkip(file, node, errors);
        return indicator is null && values.Count == 0 || period is null || value is null
            ? null
            : new RecordMapping(indicator, area, period, value, unit, status, fraction) { Values = values, Columns = columns, Indicators = indicators, Skip = skip };
    }

    private static void CheckIndicator(string file, YamlNode at, string field, string code, IndicatorCatalogue catalogue, List<ConfigError> errors)
    {
        if (!catalogue.Contains(code))
        {
            errors.Add(YamlNodes.Error(file, at, field, $"unknown indicator code '{code}' (see config/catalogue.yaml)"));
        }
        else if (catalogue.Find(code)!.Kind == IndicatorKind.Derived)
        {
            errors.Add(YamlNodes.Error(file, at, field, $"'{code}' is derived from other series and is never collected"));
        }
    }

    /// <summary><c>values:</c> a list of <c>{ from, indicator, unit, percentAsFraction, periodType }</c>, one observation each.</summary>
    private static List<ValueField> ReadValues(string file, YamlMappingNode mapping, IndicatorCatalogue catalogue, TableLayout? layout, List<ConfigError> errors)
    {
        var node = YamlNodes.Child(mapping, "values");
        if (node is null)
        {
            return [];
        }

        if (node is not YamlSequenceNode list || list.Children.Count == 0)
        {
            errors.Add(YamlNodes.Error(file, node, "mapping.values", "must be a list of { from, indicator, unit, percentAsFraction, periodType }"));
            return [];
        }

        if (YamlNodes.Child(mapping, "value") is { } single)
        {
            errors.Add(YamlNodes.Error(file, single, "mapping.value", "set either 'value' (one value per record) or 'values' (several), not both"));
        }

        if (layout?.Wide is not null)
        {
            errors.Add(YamlNodes.Error(file, node, "mapping.values", "a wide layout unpivots its columns itself; settings per column go in mapping.columns"));
        }

        var values = new List<ValueField>();
        foreach (var item in list.Children)
        {
            var field = $"mapping.values[{values.Count}]";
            if (item is not YamlMappingNode entry || YamlNodes.Scalar(entry, "from") is not { } from)
            {
                errors.Add(YamlNodes.Error(file, item, field, "needs 'from', the field or column holding the value"));
                values.Add(new ValueField(new FieldMap("?", null), null, ValueSettings.None));
                continue;
            }

            YamlNodes.CheckKeys(file, entry, field, ValueKeys, errors);
            var indicator = YamlNodes.Scalar(entry, "indicator");
            if (indicator is not null)
            {
                CheckIndicator(file, YamlNodes.Child(entry, "indicator")!, $"{field}.indicator", indicator, catalogue, errors);
            }

            values.Add(new ValueField(new FieldMap(from, null), indicator, ReadSettings(file, entry, field, errors)));
        }

        return values;
    }

    /// <summary><c>columns:</c> or <c>indicators:</c>, each a map of a name to <c>{ unit, percentAsFraction, periodType }</c>.</summary>
    private static Dictionary<string, ValueSettings> ReadSettingsMap(string file, YamlMappingNode mapping, string key, IndicatorCatalogue? catalogue, List<ConfigError> errors)
    {
        var settings = new Dictionary<string, ValueSettings>(StringComparer.Ordinal);
        var node = YamlNodes.Child(mapping, key);
        if (node is null)
        {
            return settings;
        }

        if (node is not YamlMappingNode map)
        {
            errors.Add(YamlNodes.Error(file, node, $"mapping.{key}", $"must map each {(catalogue is null ? "column" : "indicator code")} to {{ unit, percentAsFraction, periodType }}"));
            return settings;
        }

        foreach (var (nameNode, valueNode) in map.Children)
        {
            var name = (nameNode as YamlScalarNode)?.Value ?? string.Empty;
            var field = $"mapping.{key}.{name}";
            if (catalogue is not null)
            {
                CheckIndicator(file, nameNode, field, name, catalogue, errors);
            }

            if (valueNode is not YamlMappingNode entry)
            {
                errors.Add(YamlNodes.Error(file, valueNode, field, "must be a mapping with unit, percentAsFraction or periodType"));
                continue;
            }

            YamlNodes.CheckKeys(file, entry, field, SettingsKeys, errors);
            settings[name] = ReadSettings(file, entry, field, errors);
        }

        return settings;
    }

    private static ValueSettings ReadSettings(string file, YamlMappingNode node, string at, List<ConfigError> errors)
    {
        var unit = YamlNodes.Scalar(node, "unit");
        if (unit is not null && !Units.IsKnown(unit))
        {
            errors.Add(YamlNodes.Error(file, YamlNodes.Child(node, "unit")!, $"{at}.unit", $"unknown unit '{unit}'"));
        }

        var typeText = YamlNodes.Scalar(node, "periodType");
        var type = Period.ParseType(typeText);
        if (typeText is not null && type is null)
        {
            errors.Add(YamlNodes.Error(file, YamlNodes.Child(node, "periodType")!, $"{at}.periodType", $"unknown period type '{typeText}' (year, quarter, month, ytd)"));
        }

        return new ValueSettings(unit, Bool(file, node, "percentAsFraction", $"{at}.percentAsFraction", errors), type);
    }

    /// <summary><c>skip:</c> one rule or a list; a record is skipped when any holds.</summary>
    private static List<EnvelopeRule> ReadSkip(string file, YamlMappingNode mapping, List<ConfigError> errors)
    {
        var node = YamlNodes.Child(mapping, "skip");
        var texts = node switch
        {
            null => [],
            YamlScalarNode scalar => [scalar],
            YamlSequenceNode list when list.Children.All(c => c is YamlScalarNode) => list.Children.Cast<YamlScalarNode>().ToList(),
            _ => null,
        };
        if (texts is null)
        {
            errors.Add(YamlNodes.Error(file, node!, "mapping.skip", "must be a rule such as 'jhpt_delete == \"1\"', or a list of rules"));
            return [];
        }

        var rules = new List<EnvelopeRule>();
        foreach (var text in texts)
        {
            if (EnvelopeRule.TryParse(text.Value ?? string.Empty, out var rule, out var error))
            {
                rules.Add(rule!);
            }
            else
            {
                errors.Add(YamlNodes.Error(file, text, "mapping.skip", error!));
            }
        }

        return rules;
    }

    /// <summary>A period column, a template of several fields (<c>"{年份}{时期}"</c>), or a list of fields (<c>[年份, 时期]</c>).</summary>
    private static FieldMap? ReadPeriod(string file, YamlMappingNode mapping, bool required, List<ConfigError> errors)
    {
        switch (YamlNodes.Child(mapping, "period"))
        {
            case YamlScalarNode { Value: { } text } when PeriodTemplate.IsTemplate(text):
                return new FieldMap(null, null) { Template = PeriodTemplate.Parse(text) };
            case YamlSequenceNode list:
                if (list.Children.Count < 2 || !list.Children.All(c => c is YamlScalarNode { Value.Length: > 0 }))
                {
                    errors.Add(YamlNodes.Error(file, list, "mapping.period", "a list names two or more fields whose texts together make the period, e.g. [年份, 时期]"));
                    return null;
                }

                return new FieldMap(null, null) { Template = PeriodTemplate.Of(list.Children.Select(c => ((YamlScalarNode)c).Value!)) };
            default:
                return ReadField(file, mapping, "period", required, errors);
        }
    }

    private static FieldMap? ReadField(string file, YamlMappingNode mapping, string key, bool required, List<ConfigError> errors)
    {
        var node = YamlNodes.Child(mapping, key);
        if (node is null)
        {
            if (required)
            {
                errors.Add(YamlNodes.Error(file, mapping, $"mapping.{key}", "is required"));
            }

            return null;
        }

        if (node is YamlScalarNode shorthand)
        {
            // "value: 数值" is short for "value: { from: 数值 }".
            return new FieldMap(shorthand.Value, null);
        }

        if (node is not YamlMappingNode map)
        {
            errors.Add(YamlNodes.Error(file, node, $"mapping.{key}", "must be a column name or a mapping with from/const/codes"));
            return null;
        }

        YamlNodes.CheckKeys(file, map, $"mapping.{key}", FieldKeys, errors);
        var from = YamlNodes.Scalar(map, "from");
        var constant = YamlNodes.Scalar(map, "const");
        if ((from is null) == (constant is null))
        {
            errors.Add(YamlNodes.Error(file, map, $"mapping.{key}", "set exactly one of 'from' or 'const'"));
            return null;
        }

        Dictionary<string, string>? codes = null;
        if (YamlNodes.Child(map, "codes") is YamlMappingNode codeMap)
        {
            codes = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (k, v) in codeMap.Children)
            {
                codes[Labels.Normalise(((YamlScalarNode)k).Value ?? string.Empty)] = (v as YamlScalarNode)?.Value ?? string.Empty;
            }
        }

        var unlistedText = YamlNodes.Scalar(map, "unlisted");
        Unlisted? unlisted = unlistedText switch
        {
            null => null,
            "reject" => Unlisted.Reject,
            "skip" => Unlisted.Skip,
            "pass" => Unlisted.Pass,
            _ => null,
        };
        if (unlistedText is not null && (unlisted is null || codes is null))
        {
            errors.Add(YamlNodes.Error(file, YamlNodes.Child(map, "unlisted")!, $"mapping.{key}.unlisted",
                codes is null ? "applies to a codes list: say what a value the list lacks does" : $"unknown '{unlistedText}' (reject, skip or pass)"));
        }

        return new FieldMap(from, constant, codes) { Unlisted = unlisted };
    }

    private static bool? Bool(string file, YamlMappingNode node, string key, string field, List<ConfigError> errors)
    {
        switch (YamlNodes.Scalar(node, key))
        {
            case null:
                return null;
            case "true" or "yes":
                return true;
            case "false" or "no":
                return false;
            case var other:
                errors.Add(YamlNodes.Error(file, YamlNodes.Child(node, key)!, field, $"'{other}' must be true or false"));
                return null;
        }
    }
}
