using System.Text.Json;
using WuzhongCollector.Core.OpenData.Formats;
using WuzhongCollector.Core.Parsing;
using WuzhongCollector.Core.Sources;

namespace WuzhongCollector.Core.OpenData;

/// <summary>
/// Turns one answer of an HTTP source into raw records, by the source's kind, so the one
/// <see cref="Normalisation.RecordMapper"/> maps every format. An answer that says "no data for this query"
/// (<see cref="HttpSettings.Empty"/>, such as NBS's <c>returncode</c> 501) gives no records: the run is empty.
/// </summary>
public static class OpenDataReader
{
    /// <summary>Whether the answer says there is no data for the query; then <paramref name="message"/> is what it says.</summary>
    public static bool IsEmpty(HttpSettings http, JsonElement body, string origin, out string? message)
    {
        message = null;
        if (http.Empty is not { } rule || rule.Check(body, origin) is not null)
        {
            return false;
        }

        message = EnvelopeRule.Message(body, http.MessagePaths, origin) ?? $"'{rule}' holds";
        return true;
    }

    public static IReadOnlyList<RawRecord> Read(SourceKind kind, HttpSettings http, JsonElement body, string origin)
    {
        if (IsEmpty(http, body, origin, out _))
        {
            return [];
        }

        try
        {
            return kind switch
            {
                SourceKind.Nbs => NbsDataReader.Read(body, NbsDataReader.AskedRegions(http.Body), origin),
                SourceKind.NbsEasyQuery => NbsEasyQueryReader.Read(body, NbsEasyQueryReader.Asked(http.Query.Concat(http.Form ?? new Dictionary<string, string>())), origin),
                SourceKind.SdmxJson => SdmxJsonReader.Read(body, origin),
                SourceKind.JsonStat => JsonStatReader.Read(body, origin),
                SourceKind.Soda when body.ValueKind != JsonValueKind.Array =>
                    throw new PayloadException($"{origin}: SODA answers a JSON array of rows; this answer is {Formats.JsonFields.Describe(body)}"
                        + (EnvelopeRule.Message(body, EnvelopeRule.DefaultMessagePaths, origin) is { } message ? $": {message}" : string.Empty)),
                _ => JsonRecordReader.Read(body, http.RecordsPath, origin).ToList(),
            };
        }
        catch (InvalidDataException ex)
        {
            // The records path does not fit the answer: the source changed its shape, or the file is wrong.
            throw new PayloadException(ex.Message);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or OverflowException or ArgumentException or IndexOutOfRangeException)
        {
            // A value of another JSON type than the format promises (a string where an index belongs, …).
            throw new PayloadException($"{origin}: the answer does not have the shape of {SourceKinds.Text(kind)} ({ex.Message})");
        }
    }

    /// <summary>Reads page after page, naming the page in each record's position when there are several.</summary>
    public static IEnumerable<RawRecord> ReadPages(SourceKind kind, HttpSettings http, IReadOnlyList<JsonElement?> pages, string origin)
    {
        for (var i = 0; i < pages.Count; i++)
        {
            if (pages[i] is not { } page)
            {
                continue;
            }

            foreach (var record in Read(kind, http, page, origin))
            {
                yield return pages.Count == 1 ? record : record with { Position = $"page {i + 1} {record.Position}" };
            }
        }
    }
}
