using System.Globalization;
using ExcelDataReader;
using WuzhongCollector.Core.Parsing;

namespace WuzhongCollector.Core.Tables;

/// <summary>
/// Streams the visible sheets of an .xlsx or .xls (BIFF) workbook as rows of cell text. Formula cells give
/// the result the workbook stored, never the formula. Hidden sheets are skipped: departments hide
/// working sheets that are not meant to be read.
/// </summary>
public static class ExcelGridReader
{
    /// <summary>Selects every visible sheet.</summary>
    public const string AllSheets = "*";

    /// <summary>The selected sheets; <paramref name="sheet"/> is a name, a 1-based index among the visible sheets, <see cref="AllSheets"/>, or null for the first visible sheet.</summary>
    public static IEnumerable<Grid> Read(Stream stream, string origin, string? sheet, CancellationToken cancellationToken)
    {
        TextEncodings.EnsureCodePages();
        using var reader = Open(stream, origin);
        var visible = new List<string>();
        var hidden = new List<string>();
        var found = false;
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!string.Equals(reader.VisibleState, "visible", StringComparison.OrdinalIgnoreCase))
            {
                hidden.Add(reader.Name);
                continue;
            }

            visible.Add(reader.Name);
            if (!Selects(sheet, reader.Name, visible.Count))
            {
                continue;
            }

            found = true;
            var merges = (reader.MergeCells ?? []).Select(m => new MergedRange(m.FromRow + 1, m.FromColumn, m.ToRow + 1, m.ToColumn)).ToList();
            yield return new Grid(reader.Name, merges, Rows(reader, origin, cancellationToken));
            if (sheet != AllSheets)
            {
                yield break;
            }
        }
        while (reader.NextResult());

        if (!found)
        {
            var why = sheet is not null && hidden.Contains(sheet) ? $"sheet '{sheet}' is hidden" : $"no visible sheet '{sheet ?? "1"}'";
            throw new InvalidDataException($"{origin}: {why} (visible sheets: {string.Join(", ", visible.Select(v => $"'{v}'"))})");
        }
    }

    private static bool Selects(string? sheet, string name, int visibleIndex) => sheet switch
    {
        null => visibleIndex == 1,
        AllSheets => true,
        _ when int.TryParse(sheet, NumberStyles.None, CultureInfo.InvariantCulture, out var index) => index == visibleIndex,
        _ => string.Equals(name.Trim(), sheet.Trim(), StringComparison.Ordinal),
    };

    private static IExcelDataReader Open(Stream stream, string origin)
    {
        WorkbookLimits.Check(stream, origin);
        try
        {
            return ExcelReaderFactory.CreateReader(stream, new ExcelReaderConfiguration { LeaveOpen = true });
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new InvalidDataException($"{origin}: not an Excel workbook this service can read ({ex.Message})", ex);
        }
    }

    private static IEnumerable<GridRow> Rows(IExcelDataReader reader, string origin, CancellationToken cancellationToken)
    {
        while (Next(reader, origin))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var cells = new string?[reader.FieldCount];
            for (var i = 0; i < cells.Length; i++)
            {
                cells[i] = CellText(reader, i);
            }

            yield return new GridRow(reader.Depth + 1, cells);
        }
    }

    private static bool Next(IExcelDataReader reader, string origin)
    {
        try
        {
            return reader.Read();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new InvalidDataException($"{origin} sheet '{reader.Name}' row {reader.Depth + 2}: the workbook is damaged ({ex.Message})", ex);
        }
    }

    private static string? CellText(IExcelDataReader reader, int column) => reader.GetValue(column) switch
    {
        null => null,
        string s => s,
        double d => Number(d),
        DateTime date => Date(date, reader.GetNumberFormatString(column)),
        bool b => b ? "TRUE" : "FALSE",
        IFormattable other => other.ToString(null, CultureInfo.InvariantCulture),
        var other => other.ToString(),
    };

    /// <summary>
    /// Through decimal, which keeps 15 significant digits: the binary noise of a stored double
    /// (-0.08699999999999999) becomes the figure people typed (-0.087).
    /// </summary>
    private static string Number(double value) =>
        double.IsFinite(value) && Math.Abs(value) < 7.9e27
            ? ((decimal)value).ToString(CultureInfo.InvariantCulture)
            : value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A date cell without a day in its format ("2023年9月", "yyyy-mm") names a month.</summary>
    private static string Date(DateTime date, string? format)
    {
        var hasDay = format is not null && format.Contains('d', StringComparison.OrdinalIgnoreCase);
        return hasDay || format is null
            ? date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : $"{date.Year}年{date.Month}月";
    }
}
