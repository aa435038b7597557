using WuzhongCollector.Core.Normalisation;

namespace WuzhongCollector.Core.Tables;

/// <summary>
/// What one sheet or CSV file says around its data: title, the period and unit it states, its notes,
/// and its columns with their names, units, statuses and (for wide tables) periods. Shared by every
/// record of the table.
/// </summary>
public sealed class TableShape
{
    private readonly Dictionary<string, int> columnIndex = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> aliases = new(StringComparer.Ordinal);

    internal TableShape(string origin, string? sheet, TablePreamble preamble, IReadOnlyList<ColumnHeader> columns, int headerRow, StatusNotes notes, IReadOnlyList<string> noteTexts)
    {
        Origin = origin;
        Sheet = sheet;
        Title = preamble.Title;
        TitleRow = preamble.TitleRow;
        Period = preamble.Period ?? (PeriodParser.TryFind(sheet, out var fromSheet) ? fromSheet : null);
        Unit = preamble.Unit;
        Columns = columns;
        HeaderRow = headerRow;
        Status = notes;
        Notes = noteTexts;
        for (var i = 0; i < columns.Count; i++)
        {
            var name = columns[i].Name.Length == 0 ? $"[{ColumnHeader.Letter(i)}]" : columns[i].Name;
            if (!columnIndex.TryAdd(name, i))
            {
                // Two columns with one name: the second is reachable as "name#2".
                var n = 2;
                while (!columnIndex.TryAdd($"{name}#{n}", i))
                {
                    n++;
                }
            }
        }

        Names = new string[columns.Count];
        foreach (var (name, i) in columnIndex)
        {
            Names[i] = name;
        }
    }

    public string Origin { get; }

    public string? Sheet { get; }

    public string? Title { get; }

    public int? TitleRow { get; }

    /// <summary>The period the title (or the sheet name) states: the reference of 本月/1-本月累计 and the year of 1-9月.</summary>
    public Period? Period { get; }

    /// <summary>The unit of the whole table, from a "单位：万元" row.</summary>
    public string? Unit { get; }

    public IReadOnlyList<ColumnHeader> Columns { get; }

    /// <summary>Column names as records know them: the header text, or "[C]" for a column without one.</summary>
    public string[] Names { get; }

    /// <summary>The last header row; data starts below it.</summary>
    public int HeaderRow { get; }

    public StatusNotes Status { get; }

    public IReadOnlyList<string> Notes { get; }

    public int LabelColumn { get; internal set; }

    /// <summary>The unpivoted columns of a wide table, with the period each header names; empty for a long table.</summary>
    public IReadOnlyList<(int Column, Period? Period)> WideColumns { get; internal set; } = [];

    public string Position(int row) => Sheet is null ? $"row {row}" : $"sheet '{Sheet}' row {row}";

    /// <summary>Where a cell is: CSV "row 7 column '数值'", Excel "sheet '主要指标' row 7 column D '本年情况/本月'".</summary>
    public string Where(int row, int column) =>
        Sheet is null ? $"{Origin} row {row} column '{Names[column]}'" : $"{Origin} {Position(row)} column {ColumnHeader.Letter(column)} '{Names[column]}'";

    /// <summary>The column a mapping names, by its name as written in the file or as this service writes it.</summary>
    public int IndexOf(string name)
    {
        if (columnIndex.TryGetValue(name, out var index))
        {
            return index;
        }

        if (!aliases.TryGetValue(name, out index))
        {
            index = columnIndex.TryGetValue(ColumnHeader.NameOf(name), out var found) ? found : -1;
            aliases[name] = index;
        }

        return index;
    }
}

/// <summary>What the rows above the header say: a title, the period and unit it states, notes.</summary>
internal sealed record TablePreamble(string? Title, int? TitleRow, Period? Period, string? Unit, IReadOnlyList<string> Notes);
