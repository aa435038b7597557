using Sylvan.Data.Csv;
using WuzhongCollector.Core.Parsing;

namespace WuzhongCollector.Core.Tables;

/// <summary>Streams a CSV file as rows of cell text, title and footer rows included; the layout decides what they are.</summary>
public static class CsvGridReader
{
    public static Grid Read(Stream stream, string origin, CsvSettings settings, CancellationToken cancellationToken) =>
        new(null, [], Rows(stream, origin, settings, cancellationToken));

    private static IEnumerable<GridRow> Rows(Stream stream, string origin, CsvSettings settings, CancellationToken cancellationToken)
    {
        var encoding = TextEncodings.Detect(stream, settings.Encoding);
        // Invalid UTF-8 decodes to U+FFFD; a cell holding one is a wrong encoding or a cut-off file, never kept.
        var checkUtf8 = encoding is System.Text.UTF8Encoding;

        using var text = new StreamReader(stream, encoding, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        var options = new CsvDataReaderOptions
        {
            HasHeaders = false,
            Delimiter = settings.Delimiter,
            Quote = settings.Quote,
            // Sylvan skips lines starting with '#' as comments by default; in statistical tables '#' marks a sub-item row.
            Comment = '\0',
            // A 1 MiB cap keeps a hostile file with a huge line from exhausting memory.
            MaxBufferSize = 1024 * 1024,
        };
        if (stream.CanSeek && stream.Length == 0)
        {
            throw new InvalidDataException($"{origin}: the file is empty (no header row)");
        }

        // Sylvan reads the first record as it opens, so a huge or malformed first line fails here already.
        using var csv = Translate(() => CsvDataReader.Create(text, options), origin, 1);
        var row = 0;
        while (Translate(csv.Read, origin, row + 1))
        {
            cancellationToken.ThrowIfCancellationRequested();
            row++;
            var cells = new string?[csv.RowFieldCount];
            for (var i = 0; i < cells.Length; i++)
            {
                cells[i] = csv.GetString(i);
                if (checkUtf8 && cells[i] is { } cell && cell.Contains('\uFFFD', StringComparison.Ordinal))
                {
                    throw new InvalidDataException($"{origin} row {row} column {i + 1}: bytes that are not valid utf-8 text; is the file in another encoding (set file.encoding) or cut off?");
                }
            }

            yield return new GridRow(row, cells);
        }
    }

    private static T Translate<T>(Func<T> read, string origin, int row)
    {
        try
        {
            return read();
        }
        catch (CsvRecordTooLargeException)
        {
            throw new InvalidDataException($"{origin} row {row}: a record is longer than 1 MiB; the file is not a table this source can read");
        }
        catch (CsvFormatException ex)
        {
            throw new InvalidDataException($"{origin} row {row}: malformed CSV ({ex.Message}); is a quote left open?", ex);
        }
    }
}
