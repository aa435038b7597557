using System.Globalization;
using WuzhongCollector.Core.Tables;
using YamlDotNet.RepresentationModel;

namespace WuzhongCollector.Core.Sources;

/// <summary>
/// Reads a table source's <c>layout</c> block:
/// <code>
/// layout:
///   header: { find: 指标名称, rows: 2 }   # or row: 3; "header: 3" and "header: 指标名称" are short forms
///   label: 指标名称                       # the row-label column; default the first column
///   wide: periods                         # or a list of columns; omit for a long table
/// </code>
/// Without a block, a table's header is <c>file.headerRow</c> (default 1), one row deep, and the table is long.
/// </summary>
internal static class LayoutLoader
{
    internal static readonly string[] LayoutKeys = ["header", "label", "wide"];
    internal static readonly string[] HeaderKeys = ["row", "find", "rows"];
    private static readonly string[] WideOnlyFields = [TableFieldDictionary.Value, TableFieldDictionary.Column];

    public static TableLayout? Read(string file, YamlNode? node, FileSettings? fileSettings, List<ConfigError> errors)
    {
        var headerRowInFile = fileSettings?.Csv.HeaderRow ?? 1;
        if (node is null)
        {
            return TableLayout.Plain(headerRowInFile);
        }

        if (node is not YamlMappingNode map)
        {
            errors.Add(YamlNodes.Error(file, node, "layout", "must be a mapping with header, label and wide"));
            return null;
        }

        YamlNodes.CheckKeys(file, map, "layout", LayoutKeys, errors);
        int? row = null;
        string? find = null;
        var rows = 1;
        switch (YamlNodes.Child(map, "header"))
        {
            case null:
                row = headerRowInFile;
                break;
            case YamlScalarNode { Value: { } shorthand }:
                (row, find) = int.TryParse(shorthand, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? (n, (string?)null) : ((int?)null, shorthand);
                break;
            case YamlMappingNode header:
                YamlNodes.CheckKeys(file, header, "layout.header", HeaderKeys, errors);
                row = PositiveInt(file, header, "row", errors);
                find = YamlNodes.Scalar(header, "find");
                rows = PositiveInt(file, header, "rows", errors) ?? 1;
                if ((row is null) == (find is null))
                {
                    errors.Add(YamlNodes.Error(file, header, "layout.header", "set exactly one of 'row' (a row number) or 'find' (a header text)"));
                }

                if (rows > 5)
                {
                    errors.Add(YamlNodes.Error(file, YamlNodes.Child(header, "rows")!, "layout.header.rows", "must be at most 5"));
                }

                break;
            case var other:
                errors.Add(YamlNodes.Error(file, other, "layout.header", "must be a row number, a header text, or a mapping with row/find/rows"));
                break;
        }

        if (fileSettings is not null && fileSettings.Csv.HeaderRow != 1 && YamlNodes.Child(map, "header") is { } headerNode)
        {
            errors.Add(YamlNodes.Error(file, headerNode, "layout.header", "file.headerRow is set too; give the header in one place"));
        }

        return new TableLayout(row, find, rows, YamlNodes.Scalar(map, "label"), ReadWide(file, YamlNodes.Child(map, "wide"), errors));
    }

    /// <summary><c>$value</c> and <c>$column</c> exist only where a wide table is unpivoted.</summary>
    public static void CheckLayoutFields(string file, YamlMappingNode mapping, TableLayout? layout, List<ConfigError> errors)
    {
        if (layout?.Wide is not null)
        {
            return;
        }

        foreach (var (key, value) in mapping.Children)
        {
            var from = value switch
            {
                YamlScalarNode scalar => scalar.Value,
                YamlMappingNode map => YamlNodes.Scalar(map, "from"),
                _ => null,
            };
            if (from is not null && WideOnlyFields.Contains(from))
            {
                errors.Add(YamlNodes.Error(file, value, $"mapping.{((YamlScalarNode)key).Value}", $"'{from}' is the cell of an unpivoted column: it needs layout.wide"));
            }
        }
    }

    private static WideColumns? ReadWide(string file, YamlNode? node, List<ConfigError> errors)
    {
        switch (node)
        {
            case null:
                return null;
            case YamlScalarNode { Value: "periods" }:
                return new WideColumns(true, []);
            case YamlSequenceNode list when list.Children.Count > 0 && list.Children.All(c => c is YamlScalarNode { Value.Length: > 0 }):
                return new WideColumns(false, list.Children.Select(c => ((YamlScalarNode)c).Value!).ToList());
            default:
                errors.Add(YamlNodes.Error(file, node, "layout.wide", "must be 'periods' (every column whose header is a period) or a list of column names"));
                return null;
        }
    }

    private static int? PositiveInt(string file, YamlMappingNode node, string key, List<ConfigError> errors)
    {
        var text = YamlNodes.Scalar(node, key);
        if (text is null)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1)
        {
            errors.Add(YamlNodes.Error(file, YamlNodes.Child(node, key)!, $"layout.header.{key}", $"'{text}' must be a whole number from 1"));
            return null;
        }

        return value;
    }
}
