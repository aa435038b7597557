using System.Collections;
using System.Diagnostics.CodeAnalysis;
using WuzhongCollector.Core.Normalisation;

namespace WuzhongCollector.Core.Tables;

/// <summary>Where a value sits in a sheet or CSV file, for rejects and previews.</summary>
public sealed record CellAddress(string? Sheet, int Row, string? Column, string? Header);

/// <summary>A row label as the table wrote it, whether it is a sub-item (其中, #, indented) and of which row.</summary>
internal readonly record struct RowLabel(string? Raw, bool IsSubItem, string? ParentRaw);

/// <summary>
/// The fields of one table record: the row's cells by column name, and what the layout adds, named with a
/// leading <c>$</c> so they never clash with a header: <c>$value</c>, <c>$column</c> and <c>$period</c> of an
/// unpivoted cell, <c>$unit</c>, the normalised row label <c>$label</c>, <c>$sub</c> (true for 其中/#/indented
/// items), <c>$parent</c>, <c>$path</c> ("parent/label"), <c>$sheet</c> and <c>$title</c>.
/// </summary>
public sealed class TableFieldDictionary : IReadOnlyDictionary<string, string?>
{
    public const string Value = "$value";
    public const string Column = "$column";
    public const string PeriodField = "$period";
    public const string UnitField = "$unit";
    public const string Label = "$label";
    public const string SubItem = "$sub";
    public const string Parent = "$parent";
    public const string Path = "$path";
    public const string SheetField = "$sheet";
    public const string TitleField = "$title";

    private static readonly string[] Synthetic = [Value, Column, PeriodField, UnitField, Label, SubItem, Parent, Path, SheetField, TitleField];

    private readonly string?[] cells;
    private readonly int wide;
    private readonly RowLabel label;
    private readonly ObservationStatus?[]? marks;

    internal TableFieldDictionary(TableShape shape, string?[] cells, int row, int wide, RowLabel label, ObservationStatus?[]? marks)
    {
        Shape = shape;
        this.cells = cells;
        Row = row;
        this.wide = wide;
        this.label = label;
        this.marks = marks;
    }

    public TableShape Shape { get; }

    public int Row { get; }

    /// <summary>The unpivoted column of a wide-table record, or -1.</summary>
    public int WideColumn => wide < 0 ? -1 : Shape.WideColumns[wide].Column;

    public bool IsSubItem => label.IsSubItem;

    public int Count => Shape.Names.Length + Synthetic.Length;

    public IEnumerable<string> Keys => Shape.Names.Concat(Synthetic);

    public IEnumerable<string?> Values => Keys.Select(k => this[k]);

    public string? this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string? value)
    {
        if (key.Length > 0 && key[0] == '$')
        {
            value = SyntheticValue(key, out var known);
            return known;
        }

        var column = Shape.IndexOf(key);
        value = column >= 0 && column < cells.Length ? cells[column] : null;
        return column >= 0;
    }

    /// <summary>The column a field reads, for its location: <c>$value</c> is the unpivoted cell, <c>$label</c> the label column.</summary>
    public int ColumnOf(string field) => field switch
    {
        Value or Column => WideColumn,
        PeriodField => WideColumn,
        Label or SubItem or Parent or Path => Shape.LabelColumn,
        UnitField or SheetField or TitleField => -1,
        _ => Shape.IndexOf(field),
    };

    /// <summary>The cell a field was read from: sheet, row, column letter and header; null for what only the title states.</summary>
    public CellAddress? Address(string field)
    {
        var column = ColumnOf(field);
        if (column < 0)
        {
            return field is PeriodField or TitleField && Shape.TitleRow is { } titleRow ? new CellAddress(Shape.Sheet, titleRow, null, "(title)") : null;
        }

        // A period read from a wide table's header is located at the header cell.
        return new CellAddress(Shape.Sheet, field is PeriodField or Column ? Shape.HeaderRow : Row, ColumnHeader.Letter(column), Shape.Names[column]);
    }

    public string Where(string field) => Address(field) switch
    {
        null => $"{Shape.Origin} {Shape.Position(Row)}",
        { Column: null } title => $"{Shape.Origin} {Shape.Position(title.Row)} (title)",
        var cell => Shape.Where(cell.Row, Shape.IndexOf(cell.Header!)),
    };

    /// <summary>The unit of a value read from <paramref name="valueField"/>: its column header's, else the table's "单位：" row.</summary>
    public string? UnitFor(string? valueField) => ColumnUnit(valueField) ?? Shape.Unit;

    /// <summary>The unit the header of <paramref name="valueField"/>'s column states ("增加值（亿元）"), if any.</summary>
    public string? ColumnUnit(string? valueField)
    {
        var column = valueField is null ? -1 : ColumnOf(valueField);
        return column >= 0 ? Shape.Columns[column].Unit : null;
    }

    /// <summary>The name of the column a value is read from: a wide table's unpivoted column for <c>$value</c>.</summary>
    public string? ColumnName(string valueField) => ColumnOf(valueField) is var column and >= 0 ? Shape.Names[column] : null;

    /// <summary>
    /// The status the table gives a value: a mark on its cell or row label (*, defined in a note), then
    /// its column header ("2023年（预计）"), then a note naming its year, then a note or title for the whole table.
    /// </summary>
    public ObservationStatus StatusFor(string? valueField, Period period)
    {
        var column = valueField is null ? -1 : ColumnOf(valueField);
        if (marks is not null && ((column >= 0 && column < marks.Length ? marks[column] : null) ?? marks[Shape.LabelColumn]) is { } marked)
        {
            return marked;
        }

        return (column >= 0 ? Shape.Columns[column].Status : null) ?? Shape.Status.For(period) ?? ObservationStatus.Normal;
    }

    private string? SyntheticValue(string key, out bool known)
    {
        known = true;
        switch (key)
        {
            case Value:
                return wide < 0 ? null : Cell(WideColumn);
            case Column:
                return wide < 0 ? null : Shape.Names[WideColumn];
            case PeriodField:
                return (wide < 0 ? null : Shape.WideColumns[wide].Period)?.Id ?? Shape.Period?.Id;
            case UnitField:
                return UnitFor(wide < 0 ? null : Value);
            case Label:
                return label.Raw is null ? null : Labels.Normalise(label.Raw);
            case SubItem:
                return label.IsSubItem ? "true" : "false";
            case Parent:
                return label.IsSubItem && label.ParentRaw is not null ? Labels.Normalise(label.ParentRaw) : null;
            case Path:
                var own = label.Raw is null ? null : Labels.Normalise(label.Raw);
                return label.IsSubItem && label.ParentRaw is not null ? $"{Labels.Normalise(label.ParentRaw)}/{own}" : own;
            case SheetField:
                return Shape.Sheet;
            case TitleField:
                return Shape.Title;
            default:
                known = false;
                return null;
        }
    }

    private string? Cell(int column) => column >= 0 && column < cells.Length ? cells[column] : null;

    public IEnumerator<KeyValuePair<string, string?>> GetEnumerator() =>
        Keys.Select(k => new KeyValuePair<string, string?>(k, this[k])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
