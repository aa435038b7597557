using System.Text;
using System.Text.Json;

namespace WuzhongCollector.Service.Collection.Connectors;

/// <summary>Reading an answer's body within a size limit, and telling JSON from HTML, other text and cut-off JSON.</summary>
public static class HttpBodies
{
    public static async Task<byte[]> ReadLimitedAsync(HttpContent content, long limit, string sourceId, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > limit)
        {
            throw new PermanentSourceException($"{sourceId}: the body is {content.Headers.ContentLength} bytes, over the {limit}-byte limit (Collector:MaxResponseBytes)") { FailureClass = "too-large" };
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw new PermanentSourceException($"{sourceId}: the body is over the {limit}-byte limit (Collector:MaxResponseBytes)") { FailureClass = "too-large" };
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    public static BodyShape Shape(byte[] body, string? contentType)
    {
        var json = WithoutBom(body);
        var start = Encoding.UTF8.GetString(json[..Math.Min(json.Length, 64)]).TrimStart(' ', '\r', '\n', '\t');
        if (start.StartsWith('<'))
        {
            var xml = start.StartsWith("<?xml", StringComparison.OrdinalIgnoreCase) && !start.Contains("<html", StringComparison.OrdinalIgnoreCase)
                || contentType?.Contains("xml", StringComparison.OrdinalIgnoreCase) == true && !contentType.Contains("html", StringComparison.OrdinalIgnoreCase);
            return xml ? BodyShape.NotJson : BodyShape.Html;
        }

        if (start.Length == 0)
        {
            return BodyShape.NotJson;
        }

        if (Scan(json, isFinalBlock: true))
        {
            return BodyShape.Json;
        }

        // Valid as far as it goes but unfinished: the connection ended mid-body, which is worth a retry.
        return Scan(json, isFinalBlock: false) ? BodyShape.Truncated : BodyShape.NotJson;
    }

    public static ReadOnlySpan<byte> WithoutBom(ReadOnlySpan<byte> body) =>
        body.StartsWith("\uFEFF"u8) ? body[3..] : body;

    private static bool Scan(ReadOnlySpan<byte> json, bool isFinalBlock)
    {
        // Only the shape is judged here; nesting too deep is JSON all the same, refused later with that reason.
        var reader = new Utf8JsonReader(json, isFinalBlock, new JsonReaderState(new JsonReaderOptions { MaxDepth = 1_000_000 }));
        try
        {
            while (reader.Read())
            {
            }

            // Not final: running out of input is not an error, so reaching here means a valid prefix.
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
