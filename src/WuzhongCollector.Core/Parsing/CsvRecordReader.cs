using Sylvan.Data.Csv;

namespace WuzhongCollector.Core.Parsing;

public sealed record CsvSettings(string Encoding = "auto", char Delimiter = ',', char Quote = '"', int HeaderRow = 1);

/// <summary>Streams a department CSV into raw records, one per data row, keyed by header text.</summary>
public static class CsvRecordReader
{
    public static IEnumerable<RawRecord> Read(Stream stream, string origin, CsvSettings settings, CancellationToken cancellationToken = default)
    {
        var encoding = TextEncodings.Detect(stream, settings.Encoding);
        using var text = new StreamReader(stream, encoding, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        for (var skip = 1; skip < settings.HeaderRow; skip++)
        {
            text.ReadLine();
        }

        var options = new CsvDataReaderOptions
        {
            HasHeaders = true,
            Delimiter = settings.Delimiter,
            Quote = settings.Quote,
            // Sylvan skips lines starting with '#' as comments by default; in statistical tables '#' marks a sub-item row.
            Comment = '\0',
            // A 1 MiB cap keeps a hostile file with a huge line from exhausting memory.
            MaxBufferSize = 1024 * 1024,
        };
        CsvDataReader csv;
        try
        {
            csv = CsvDataReader.Create(text, options);
        }
        catch (CsvMissingHeadersException)
        {
            throw new InvalidDataException($"{origin}: the file is empty (no header row)");
        }

        using (csv)
        {
            var headers = new string[csv.FieldCount];
            for (var i = 0; i < headers.Length; i++)
            {
                headers[i] = Normalisation.ChineseText.ToHalfWidth(csv.GetName(i)).Trim();
            }

            var row = settings.HeaderRow;
            while (Next(csv, origin, row + 1))
            {
                cancellationToken.ThrowIfCancellationRequested();
                row++;
                var fields = new Dictionary<string, string?>(headers.Length, StringComparer.Ordinal);
                for (var i = 0; i < headers.Length && i < csv.RowFieldCount; i++)
                {
                    fields[headers[i]] = csv.GetString(i);
                }

                if (fields.Values.All(string.IsNullOrWhiteSpace))
                {
                    continue;
                }

                yield return new RawRecord(origin, $"row {row}", fields, IsTable: true);
            }
        }
    }

    private static bool Next(CsvDataReader csv, string origin, int row)
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
    }

    /// <summary>Reads just the header names, for checks and column-drift detection.</summary>
    public static IReadOnlyList<string> ReadHeader(Stream stream, CsvSettings settings)
    {
        var encoding = TextEncodings.Detect(stream, settings.Encoding);
        using var text = new StreamReader(stream, encoding, false, leaveOpen: true);
        for (var skip = 1; skip < settings.HeaderRow; skip++)
        {
            text.ReadLine();
        }

        using var csv = CsvDataReader.Create(text, new CsvDataReaderOptions { HasHeaders = true, Delimiter = settings.Delimiter, Quote = settings.Quote });
        return Enumerable.Range(0, csv.FieldCount).Select(i => Normalisation.ChineseText.ToHalfWidth(csv.GetName(i)).Trim()).ToList();
    }
}
