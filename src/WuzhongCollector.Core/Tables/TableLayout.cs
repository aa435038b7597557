namespace WuzhongCollector.Core.Tables;

/// <summary>
/// How a sheet or CSV file is laid out, from a source file's <c>layout</c> block: where the header is,
/// how many rows it spans, which column labels the rows, and whether the table is wide (one column per
/// period, unpivoted into one record per cell) or long (one record per row).
/// </summary>
public sealed record TableLayout(
    int? HeaderRow,
    string? HeaderFind,
    int HeaderRows = 1,
    string? LabelColumn = null,
    WideColumns? Wide = null)
{
    /// <summary>A plain table: the header is row <paramref name="headerRow"/>, one row deep.</summary>
    public static TableLayout Plain(int headerRow) => new(headerRow, null);
}

/// <summary>The columns a wide table unpivots: every column whose header reads as a period, or those listed.</summary>
public sealed record WideColumns(bool AllPeriods, IReadOnlyList<string> Columns);

/// <summary>One row of a sheet or CSV file: its 1-based row number and its cells' text.</summary>
public readonly record struct GridRow(int Number, string?[] Cells);

/// <summary>A merged cell range of a sheet, rows 1-based and columns 0-based, both inclusive.</summary>
public readonly record struct MergedRange(int FromRow, int FromColumn, int ToRow, int ToColumn);

/// <summary>
/// One sheet (or a whole CSV file) as a reader streams it. <see cref="Rows"/> can be enumerated once, and
/// must be before the reader moves to the next sheet.
/// </summary>
public sealed record Grid(string? Sheet, IReadOnlyList<MergedRange> Merges, IEnumerable<GridRow> Rows);
