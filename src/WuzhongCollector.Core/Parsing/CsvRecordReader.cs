using System.Text;
using Sylvan.Data.Csv;

namespace WuzhongCollector.Core.Parsing;

public sealed record CsvSettings(string Encoding = "auto", char Delimiter = ',', char Quote = '"', int HeaderRow = 1);

/// <summary>
/// Streams a department CSV into raw records, one per data row, keyed by header text. Anything that would
/// make a value land in the wrong column or change silently is refused with an <see cref="InvalidDataException"/>
/// naming the file and row: a line over 1 MiB, a short (truncated) or long (unquoted delimiter) row,
/// bytes that are not valid UTF-8 in a UTF-8 file, a file with no data rows.
/// </summary>
public static class CsvRecordReader
{
    /// <summary>A line longer than this is refused: it keeps a hostile file with a huge line from exhausting memory.</summary>
    public const int MaxLineChars = 1024 * 1024;

    public static IEnumerable<RawRecord> Read(Stream stream, string origin, CsvSettings settings, CancellationToken cancellationToken = default)
    {
        using var text = OpenText(stream, origin, settings);
        using var csv = OpenCsv(text, origin, settings);
        var headers = Headers(csv, text, origin, settings);
        var utf8 = text.CurrentEncoding is UTF8Encoding;
        var row = settings.HeaderRow;
        var dataRows = 0;
        while (Next(csv, origin, settings))
        {
            cancellationToken.ThrowIfCancellationRequested();
            row++;
            var fields = new Dictionary<string, string?>(headers.Length, StringComparer.Ordinal);
            for (var i = 0; i < headers.Length && i < csv.RowFieldCount; i++)
            {
                var value = csv.GetString(i);
                if (utf8 && value.Contains('\uFFFD', StringComparison.Ordinal))
                {
                    throw InvalidText(origin, $"row {row} column '{headers[i]}'", settings);
                }

                fields[headers[i]] = value;
            }

            if (fields.Values.All(string.IsNullOrWhiteSpace) && csv.RowFieldCount <= headers.Length)
            {
                continue;
            }

            CheckFieldCount(csv, headers.Length, origin, row);
            dataRows++;
            yield return new RawRecord(origin, $"row {row}", fields, IsTable: true);
        }

        if (dataRows == 0)
        {
            throw new InvalidDataException($"{origin}: the file has a header row but no data rows");
        }
    }

    /// <summary>Reads just the header names, for checks and column-drift detection.</summary>
    public static IReadOnlyList<string> ReadHeader(Stream stream, string origin, CsvSettings settings)
    {
        using var text = OpenText(stream, origin, settings);
        using var csv = OpenCsv(text, origin, settings);
        return Headers(csv, text, origin, settings);
    }

    private static string[] Headers(CsvDataReader csv, StreamReader text, string origin, CsvSettings settings)
    {
        var headers = new string[csv.FieldCount];
        for (var i = 0; i < headers.Length; i++)
        {
            headers[i] = Normalisation.ChineseText.ToHalfWidth(csv.GetName(i)).Trim();
            if (text.CurrentEncoding is UTF8Encoding && headers[i].Contains('\uFFFD', StringComparison.Ordinal))
            {
                throw InvalidText(origin, $"row {settings.HeaderRow} (the header)", settings);
            }
        }

        return headers;
    }

    /// <summary>
    /// A short row means a truncated file; a long one usually a value holding the delimiter unquoted
    /// ("1,234"). Either would shift values into the wrong columns, so the file is refused. Blank extra
    /// fields (a trailing delimiter) are harmless.
    /// </summary>
    private static void CheckFieldCount(CsvDataReader csv, int headerCount, string origin, int row)
    {
        var count = csv.RowFieldCount;
        if (count < headerCount)
        {
            throw new InvalidDataException($"{origin} row {row}: {count} field(s) where the header has {headerCount}; is the file truncated?");
        }

        for (var i = headerCount; i < count; i++)
        {
            if (!string.IsNullOrWhiteSpace(csv.GetString(i)))
            {
                throw new InvalidDataException(
                    $"{origin} row {row}: {count} fields where the header has {headerCount}; is a value holding the delimiter left unquoted?");
            }
        }
    }

    /// <summary>UTF-8 is decoded with replacement, so bad bytes show up as U+FFFD in the field that holds them.</summary>
    private static InvalidDataException InvalidText(string origin, string where, CsvSettings settings) =>
        new($"{origin} {where}: bytes that are not valid {(settings.Encoding is "auto" ? "UTF-8" : settings.Encoding)} text; "
            + "is the file in another encoding (set file.encoding) or cut off?");

    private static bool Next(CsvDataReader csv, string origin, CsvSettings settings)
    {
        try
        {
            return csv.Read();
        }
        catch (Exception ex) when (ex is CsvFormatException or CsvRecordTooLargeException)
        {
            throw Translate(ex, origin, settings);
        }
    }

    /// <summary>Sylvan numbers rows from the header it was given (0); ours count from the top of the file.</summary>
    private static InvalidDataException Translate(Exception ex, string origin, CsvSettings settings)
    {
        var row = settings.HeaderRow + (ex is CsvFormatException { RowNumber: > 0 } format ? format.RowNumber : 0);
        return ex is CsvRecordTooLargeException
            ? new InvalidDataException($"{origin} row {row}: a record is longer than 1 MiB; the file is not a table this source can read", ex)
            : new InvalidDataException($"{origin} row {row}: malformed CSV ({ex.Message}); is a quote left open?", ex);
    }

    private static StreamReader OpenText(Stream stream, string origin, CsvSettings settings)
    {
        var text = new StreamReader(stream, TextEncodings.Detect(stream, settings.Encoding), detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        try
        {
            for (var row = 1; row < settings.HeaderRow; row++)
            {
                SkipLine(text, origin, row);
            }

            return text;
        }
        catch
        {
            text.Dispose();
            throw;
        }
    }

    /// <summary>Skips a title line above the header without holding it in memory.</summary>
    private static void SkipLine(StreamReader text, string origin, int row)
    {
        for (var length = 0; ; length++)
        {
            var c = text.Read();
            if (c is -1 or '\n')
            {
                return;
            }

            if (length > MaxLineChars)
            {
                throw new InvalidDataException($"{origin} row {row}: a line longer than 1 MiB above the header; the file is not a table this source can read");
            }
        }
    }

    private static CsvDataReader OpenCsv(StreamReader text, string origin, CsvSettings settings)
    {
        var options = new CsvDataReaderOptions
        {
            HasHeaders = true,
            Delimiter = settings.Delimiter,
            Quote = settings.Quote,
            // Sylvan skips lines starting with '#' as comments by default; in statistical tables '#' marks a sub-item row.
            Comment = '\0',
            MaxBufferSize = MaxLineChars,
        };
        try
        {
            return CsvDataReader.Create(text, options);
        }
        catch (CsvMissingHeadersException)
        {
            throw new InvalidDataException($"{origin}: the file is empty (no header row)");
        }
        catch (Exception ex) when (ex is CsvFormatException or CsvRecordTooLargeException)
        {
            throw Translate(ex, origin, settings);
        }
        catch (CsvConfigurationException ex)
        {
            throw new InvalidDataException($"{origin}: the source's CSV settings cannot be used ({ex.Message})", ex);
        }
    }
}
