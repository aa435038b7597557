using System.Text.RegularExpressions;
using WuzhongCollector.Core.Normalisation;
using WuzhongCollector.Core.Parsing;

namespace WuzhongCollector.Core.Tables;

/// <summary>
/// Walks one sheet by the layout: title and unit rows, the header, data rows, then footer notes.
/// <see cref="Survey"/> learns the table's shape and notes in a first pass; <see cref="Records"/> streams
/// the records in a second, so notes at the bottom ("注：2023年为快报数") reach the values above them.
/// </summary>
internal static partial class TableScanner
{
    /// <summary>Far enough to pass any title block; a header keyword not found by then is a wrong layout.</summary>
    private const int MaxHeaderSearchRows = 50;

    private const int MaxNoteRows = 200;

    public static TableShape Survey(Grid grid, TableLayout layout, string origin)
    {
        var where = grid.Sheet is null ? origin : $"{origin} sheet '{grid.Sheet}'";
        var preamble = new List<GridRow>();
        var header = new List<GridRow>();
        var notes = new List<string>();
        var inFooter = false;
        foreach (var row in grid.Rows)
        {
            if (header.Count < layout.HeaderRows)
            {
                if (header.Count > 0 || IsHeaderStart(row, layout))
                {
                    header.Add(row);
                }
                else
                {
                    preamble.Add(row);
                    if (layout.HeaderFind is not null && preamble.Count >= MaxHeaderSearchRows)
                    {
                        throw new InvalidDataException($"{where}: no header row within the first {MaxHeaderSearchRows} rows: no cell reads '{layout.HeaderFind}' (layout.header.find)");
                    }
                }

                continue;
            }

            if (!inFooter && FirstText(row) is { } first && IsFooter(first))
            {
                inFooter = true;
            }

            if (inFooter && notes.Count < MaxNoteRows && RowText(row) is { } text)
            {
                notes.Add(text);
            }
        }

        if (header.Count < layout.HeaderRows)
        {
            throw new InvalidDataException(layout.HeaderFind is null
                ? $"{where}: the table ends before its header row {layout.HeaderRow ?? 1}"
                : $"{where}: no header row: no cell reads '{layout.HeaderFind}' (layout.header.find)");
        }

        var intro = ReadPreamble(preamble, grid.Sheet);
        var statusNotes = StatusNotes.Parse(intro.Notes.Concat(notes).Prepend(intro.Title ?? string.Empty));
        var columns = HeaderColumns(header, grid.Merges);
        var shape = new TableShape(origin, grid.Sheet, intro, columns, header[^1].Number, statusNotes, intro.Notes.Concat(notes).ToList());
        shape.LabelColumn = layout.LabelColumn is null ? 0 : Require(shape, layout.LabelColumn, "layout.label", where);
        shape.WideColumns = layout.Wide is null ? [] : WideColumns(shape, layout.Wide, where);
        return shape;
    }

    public static IEnumerable<RawRecord> Records(Grid grid, TableShape shape, CancellationToken cancellationToken)
    {
        string? parentRaw = null;
        var parentIndent = 0;
        var dataRows = 0;
        foreach (var row in grid.Rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (row.Number <= shape.HeaderRow || IsBlank(row.Cells))
            {
                continue;
            }

            if (FirstText(row) is { } first && IsFooter(first))
            {
                break;
            }

            // A CSV row that stops short, with more than a lone label or note, is a file cut off in transfer.
            if (shape.Sheet is null && row.Cells.Length > 1 && row.Cells.Length < shape.Names.Length)
            {
                throw new InvalidDataException($"{shape.Origin} row {row.Number}: {row.Cells.Length} field(s) where the header has {shape.Names.Length}; is the file truncated?");
            }

            // More filled fields than the header is usually a value holding the delimiter, unquoted ("1,234"): every
            // value after it would land one column over. Blank extra fields (a trailing delimiter) are harmless.
            if (shape.Sheet is null && row.Cells.Skip(shape.Names.Length).Any(c => !string.IsNullOrWhiteSpace(c)))
            {
                throw new InvalidDataException(
                    $"{shape.Origin} row {row.Number}: {row.Cells.Length} fields where the header has {shape.Names.Length}; is a value holding the delimiter left unquoted?");
            }

            dataRows++;

            var marks = shape.Status.HasMarks ? StripMarks(row.Cells, shape.Status) : null;
            var raw = shape.LabelColumn < row.Cells.Length ? row.Cells[shape.LabelColumn] : null;
            var label = Label(raw, ref parentRaw, ref parentIndent);
            var position = shape.Position(row.Number);
            if (shape.WideColumns.Count == 0)
            {
                yield return new RawRecord(shape.Origin, position, new TableFieldDictionary(shape, row.Cells, row.Number, -1, label, marks), IsTable: true);
                continue;
            }

            for (var i = 0; i < shape.WideColumns.Count; i++)
            {
                yield return new RawRecord(shape.Origin, position, new TableFieldDictionary(shape, row.Cells, row.Number, i, label, marks), IsTable: true);
            }
        }

        if (dataRows == 0)
        {
            throw new InvalidDataException($"{shape.Origin}: the file has a header row but no data rows");
        }
    }

    private static bool IsHeaderStart(GridRow row, TableLayout layout)
    {
        if (layout.HeaderFind is null)
        {
            return row.Number >= (layout.HeaderRow ?? 1);
        }

        var wanted = ColumnHeader.NameOf(layout.HeaderFind);
        foreach (var cell in row.Cells)
        {
            if (!string.IsNullOrWhiteSpace(cell) && ColumnHeader.NameOf(cell) == wanted)
            {
                return true;
            }
        }

        return false;
    }

    private static TablePreamble ReadPreamble(List<GridRow> rows, string? sheet)
    {
        string? title = null;
        int? titleRow = null;
        string? unit = null;
        var notes = new List<string>();
        var texts = new List<string>();
        foreach (var row in rows)
        {
            foreach (var cell in row.Cells)
            {
                if (string.IsNullOrWhiteSpace(cell))
                {
                    continue;
                }

                var text = cell.Trim();
                var compact = ChineseText.Compact(text);
                if (UnitRow().IsMatch(compact))
                {
                    var cleaned = Units.Clean(compact);
                    unit ??= Units.IsKnown(cleaned) ? cleaned : null;
                }
                else if (IsFooter(compact))
                {
                    notes.Add(text);
                }
                else
                {
                    title ??= text;
                    titleRow ??= row.Number;
                    texts.Add(text);
                }
            }
        }

        Period? period = PeriodParser.TryFind(string.Join(' ', texts), out var found) ? found : null;
        return new TablePreamble(title, titleRow, period, unit, notes);
    }

    /// <summary>
    /// Joins the header rows into one name per column. A merged cell spreads its text over its range;
    /// without merge information (CSV), a blank upper-level cell that has a sub-header below takes the text
    /// on its left, as a merged cell exported to CSV leaves it.
    /// </summary>
    private static List<ColumnHeader> HeaderColumns(List<GridRow> header, IReadOnlyList<MergedRange> merges)
    {
        var width = header.Max(r => r.Cells.Length);
        var levels = header.Select(r => Enumerable.Range(0, width).Select(c => c < r.Cells.Length ? r.Cells[c] : null).ToArray()).ToArray();
        var levelOfRow = header.Select((r, i) => (r.Number, i)).ToDictionary(x => x.Number, x => x.i);
        foreach (var merge in merges)
        {
            if (!levelOfRow.TryGetValue(merge.FromRow, out var source) || merge.FromColumn >= width)
            {
                continue;
            }

            for (var r = merge.FromRow; r <= merge.ToRow; r++)
            {
                if (!levelOfRow.TryGetValue(r, out var level))
                {
                    continue;
                }

                for (var c = merge.FromColumn; c <= Math.Min(merge.ToColumn, width - 1); c++)
                {
                    if (string.IsNullOrWhiteSpace(levels[level][c]))
                    {
                        levels[level][c] = levels[source][merge.FromColumn];
                    }
                }
            }
        }

        for (var level = 0; level < levels.Length - 1; level++)
        {
            for (var c = 1; c < width; c++)
            {
                if (string.IsNullOrWhiteSpace(levels[level][c]) && !string.IsNullOrWhiteSpace(levels[level][c - 1]) && !string.IsNullOrWhiteSpace(levels[level + 1][c]))
                {
                    levels[level][c] = levels[level][c - 1];
                }
            }
        }

        return Enumerable.Range(0, width).Select(c => ColumnHeader.From(levels.Select(l => l[c]))).ToList();
    }

    private static List<(int Column, Period? Period)> WideColumns(TableShape shape, WideColumns wide, string where)
    {
        var result = new List<(int, Period?)>();
        if (wide.AllPeriods)
        {
            for (var c = 0; c < shape.Names.Length; c++)
            {
                if (c != shape.LabelColumn && ColumnPeriod(shape.Names[c], shape.Period) is { } period)
                {
                    result.Add((c, period));
                }
            }

            return result.Count > 0
                ? result
                : throw new InvalidDataException($"{where}: layout.wide is 'periods' but no column header reads as a period (columns: {string.Join(", ", shape.Names)})");
        }

        foreach (var name in wide.Columns)
        {
            var column = Require(shape, name, "layout.wide", where);
            result.Add((column, ColumnPeriod(shape.Names[column], shape.Period)));
        }

        return result;
    }

    /// <summary>A header that names a period outright (2021年, 9月 in a 2023 report) or relative to the title's (本月, 上年同期).</summary>
    public static Period? ColumnPeriod(string header, Period? reference)
    {
        if (PeriodParser.TryParse(header, out var period, reference?.Year))
        {
            return period;
        }

        return reference is { } r && RelativePeriods.TryResolve(header, r, out period) ? period : null;
    }

    private static int Require(TableShape shape, string name, string field, string where)
    {
        var column = shape.IndexOf(name);
        return column >= 0
            ? column
            : throw new InvalidDataException($"{where}: {field} names column '{name}', which the header does not have (columns: {string.Join(", ", shape.Names)})");
    }

    private static RowLabel Label(string? raw, ref string? parentRaw, ref int parentIndent)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return new RowLabel(raw, false, parentRaw);
        }

        var indent = 0;
        while (indent < raw.Length && char.IsWhiteSpace(raw[indent]))
        {
            indent++;
        }

        var start = raw.AsSpan(indent);
        var marked = start.StartsWith("其中") || start.StartsWith("#") || start.StartsWith("＃");
        var isSub = parentRaw is not null && (marked || indent > parentIndent);
        if (!isSub)
        {
            parentRaw = raw;
            parentIndent = indent;
        }

        return new RowLabel(raw, isSub || marked, isSub ? parentRaw : null);
    }

    /// <summary>Strips the marks a note defines ("520.0*") from each cell, remembering the status each gives.</summary>
    private static ObservationStatus?[]? StripMarks(string?[] cells, StatusNotes notes)
    {
        ObservationStatus?[]? marks = null;
        for (var c = 0; c < cells.Length; c++)
        {
            var text = cells[c]?.Trim();
            if (string.IsNullOrEmpty(text))
            {
                continue;
            }

            var mark = StatusNotes.Marks.Contains(text[^1]) ? text[^1] : StatusNotes.Marks.Contains(text[0]) ? text[0] : '\0';
            if (mark != '\0' && notes.ForMark(mark) is { } status)
            {
                marks ??= new ObservationStatus?[cells.Length];
                marks[c] = status;
                cells[c] = text.Trim(mark).Trim();
            }
        }

        return marks;
    }

    private static string? FirstText(GridRow row)
    {
        foreach (var cell in row.Cells)
        {
            if (!string.IsNullOrWhiteSpace(cell))
            {
                return cell;
            }
        }

        return null;
    }

    private static string? RowText(GridRow row)
    {
        var parts = row.Cells.Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => c!.Trim()).ToList();
        return parts.Count == 0 ? null : string.Join(' ', parts);
    }

    private static bool IsBlank(string?[] cells)
    {
        foreach (var cell in cells)
        {
            if (!string.IsNullOrWhiteSpace(cell))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Notes, sources and the signature lines of statistical forms end the data.</summary>
    public static bool IsFooter(string text)
    {
        var trimmed = text.AsSpan().TrimStart();
        // Most rows are data: a look at the first character spares them the regex.
        return trimmed.Length > 0 && FooterStarts.Contains(trimmed[0]) && Footer().IsMatch(ChineseText.ToHalfWidth(text).TrimStart());
    }

    private const string FooterStarts = "注附说备资数来填制审单统报*※＊";

    [GeneratedRegex(@"^[*※]?\s*(?:注|附注|说明|备注|资料来源|数据来源|来源|填表人|填报人|制表人|审核人|单位负责人|统计负责人|报出日期|填报日期)\s*\d*\s*[:：]")]
    private static partial Regex Footer();

    [GeneratedRegex(@"^(?:计量)?单位[:：]")]
    private static partial Regex UnitRow();
}
