using System.Text.Json;

namespace WuzhongCollector.Core.OpenData;

/// <summary>One answer of a source: its HTTP status and body (null when the status means "no results").</summary>
public sealed record PageBody(int Status, byte[]? Body);

/// <summary>
/// The archived form of an HTTP source's answers. A single page with status 200 is archived as the body
/// itself; several pages, or an answer meaning "no results" (SDMX's 404), are archived together as
/// <c>{"wuzhong.pages":[{"status":200,"body":…},…]}</c>, so one hash covers everything a run read and the
/// archive replays the run. Readers accept both forms, so a raw sample file reads like a fetched one.
/// </summary>
public static class PagedPayload
{
    private const string PagesProperty = "wuzhong.pages";

    public static byte[] Pack(IReadOnlyList<PageBody> pages)
    {
        if (pages is [{ Status: 200, Body: { } only }])
        {
            return only;
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray(PagesProperty);
            foreach (var page in pages)
            {
                writer.WriteStartObject();
                writer.WriteNumber("status", page.Status);
                writer.WritePropertyName("body");
                if (page.Body is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    writer.WriteRawValue(page.Body);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>The page bodies of a payload; a null entry is a page that answered "no results".</summary>
    public static IReadOnlyList<JsonElement?> Unpack(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(PagesProperty, out var pages) && pages.ValueKind == JsonValueKind.Array
            ? pages.EnumerateArray().Select(p => p.TryGetProperty("body", out var body) && body.ValueKind != JsonValueKind.Null ? body : (JsonElement?)null).ToList()
            : [root];
}
