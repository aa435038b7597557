using System.Text;
using Sylvan.Data.Csv;

namespace WuzhongCollector.Core.Parsing;

public sealed record CsvSettings(string Encoding = "auto", char Delimiter = ',', char Quote = '"', int HeaderRow = 1);

/// <summary>Streams a department CSV into raw records, one per data row, keyed by header text.</summary>
public static class CsvRecordReader
{
    /// <summary>A line longer than this is refused: it keeps a hostile file with a huge line from exhausting memory.</summary>
    public const int MaxLineChars = 1024 * 1024;

    public static IEnumerable<RawRecord> Read(Stream stream, string origin, CsvSettings settings, CancellationToken cancellationToken = default)
    {
        using var text = OpenText(stream, origin, settings);
        using (var csv = OpenCsv(text, origin, settings))
        {
            var headers = new string[csv.FieldCount];
            for (var i = 0; i < headers.Length; i++)
            {
                headers[i] = Normalisation.ChineseText.ToHalfWidth(csv.GetName(i)).Trim();
            }

            var row = settings.HeaderRow;
            var dataRows = 0;
            while (Next(csv, origin, row + 1, settings))
            {
                cancellationToken.ThrowIfCancellationRequested();
                row++;
                var fields = new Dictionary<string, string?>(headers.Length, StringComparer.Ordinal);
                for (var i = 0; i < headers.Length && i < csv.RowFieldCount; i++)
                {
                    fields[headers[i]] = csv.GetString(i);
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

    private static InvalidDataException InvalidText(string origin, int row, string encoding, DecoderFallbackException ex) =>
        new($"{origin} row {row}: bytes that are not valid {(encoding is "auto" ? "UTF-8" : encoding)} text " +
            $"({ex.Message}); is the file in another encoding (set file.encoding) or cut off?", ex);

    private static bool Next(CsvDataReader csv, string origin, int row, CsvSettings settings)
    {
        try
        {
            return csv.Read();
        }
        catch (CsvRecordTooLargeException)
        {
            throw new InvalidDataException($"{origin} row {row}: a record is longer than 1 MiB; the file is not a table this source can read");
        }
        catch (CsvFormatException ex)
        {
            throw new InvalidDataException($"{origin} row {row}: malformed CSV ({ex.Message}); is a quote left open?", ex);
        }
        catch (DecoderFallbackException ex)
        {
            throw InvalidText(origin, row, settings.Encoding, ex);
        }
    }

    /// <summary>Reads just the header names, for checks and column-drift detection.</summary>
    public static IReadOnlyList<string> ReadHeader(Stream stream, string origin, CsvSettings settings)
    {
        using var text = OpenText(stream, origin, settings);
        using var csv = OpenCsv(text, origin, settings);
        return Enumerable.Range(0, csv.FieldCount).Select(i => Normalisation.ChineseText.ToHalfWidth(csv.GetName(i)).Trim()).ToList();
    }

    private static StreamReader OpenText(Stream stream, string origin, CsvSettings settings)
    {
        var text = new StreamReader(stream, TextEncodings.Detect(stream, settings.Encoding), detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        try
        {
            for (var row = 1; row < settings.HeaderRow; row++)
            {
                SkipLine(text, origin, row, settings.Encoding);
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
    private static void SkipLine(StreamReader text, string origin, int row, string encoding)
    {
        try
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
        catch (DecoderFallbackException ex)
        {
            throw InvalidText(origin, row, encoding, ex);
        }
    }

    private static CsvDataReader OpenCsv(StreamReader text, string origin, CsvSettings settings)
    {
        var options = new CsvDataReaderOptions
        {
            HasHeaders = true,
            Delimiter = settings.Delimiter,
            Quote = settings.Quote,
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
        catch (CsvRecordTooLargeException)
        {
            throw new InvalidDataException($"{origin} row {settings.HeaderRow}: the header is longer than 1 MiB; the file is not a table this source can read");
        }
        catch (DecoderFallbackException ex)
        {
            throw InvalidText(origin, settings.HeaderRow, settings.Encoding, ex);
        }
    }
}
