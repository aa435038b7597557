using WuzhongCollector.Core.Parsing;

namespace WuzhongCollector.Core.Tables;

public enum TableFormat
{
    Csv,
    /// <summary>.xlsx or .xls (BIFF); ExcelDataReader tells them apart by content.</summary>
    Excel,
}

/// <summary>How to read a table file: the CSV dialect, the sheet, and the layout.</summary>
public sealed record TableOptions(TableFormat Format, CsvSettings Csv, string? Sheet, TableLayout Layout);

/// <summary>
/// Reads a department export (CSV, .xlsx, .xls) into raw records by its layout, so the one
/// <see cref="Normalisation.RecordMapper"/> maps them as it maps JSON records. The file is read twice,
/// streaming both times: first for the table's shape and its footer notes, then for the records; memory
/// holds one row at a time, not the file.
/// </summary>
public static class TableReader
{
    public static IEnumerable<RawRecord> Read(Func<Stream> open, string origin, TableOptions options, CancellationToken cancellationToken = default)
    {
        var shapes = new List<TableShape>();
        using (var stream = open())
        {
            foreach (var grid in Grids(stream, origin, options, cancellationToken))
            {
                shapes.Add(TableScanner.Survey(grid, options.Layout, origin));
            }
        }

        using var second = open();
        var index = 0;
        foreach (var grid in Grids(second, origin, options, cancellationToken))
        {
            foreach (var record in TableScanner.Records(grid, shapes[index], cancellationToken))
            {
                yield return record;
            }

            index++;
        }
    }

    /// <summary>The shapes alone (title, period, unit, columns, notes): for previews and checks.</summary>
    public static IReadOnlyList<TableShape> Shapes(Func<Stream> open, string origin, TableOptions options, CancellationToken cancellationToken = default)
    {
        using var stream = open();
        return Grids(stream, origin, options, cancellationToken).Select(g => TableScanner.Survey(g, options.Layout, origin)).ToList();
    }

    private static IEnumerable<Grid> Grids(Stream stream, string origin, TableOptions options, CancellationToken cancellationToken) =>
        options.Format == TableFormat.Csv
            ? [CsvGridReader.Read(stream, origin, options.Csv, cancellationToken)]
            : ExcelGridReader.Read(stream, origin, options.Sheet, cancellationToken);
}
