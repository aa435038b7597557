using System.Text.Json;

namespace WuzhongCollector.Core.Parsing;

/// <summary>
/// Finds records in a JSON document by a path such as <c>data.items</c> or <c>data[*].values[*]</c>, and
/// flattens each to dotted fields. Nested arrays pass their parent's scalar fields on with a <c>^</c>
/// prefix (<c>^code</c>), so a period stated once per group reaches every value. A string that holds
/// JSON (Chinese portals wrap payloads so, even twice) is parsed and followed.
/// </summary>
public static class JsonRecordReader
{
    private const int MaxDepth = 64;

    public static JsonDocument Parse(ReadOnlyMemory<byte> payload, string origin)
    {
        // A saved answer may start with a UTF-8 byte order mark, whatever produced it.
        if (payload.Span.StartsWith("\uFEFF"u8))
        {
            payload = payload[3..];
        }

        if (payload.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            throw new InvalidDataException($"{origin}: the body is empty");
        }

        // JsonDocument checks structure, not the bytes inside strings: bad UTF-8 would surface later, from GetString.
        if (!System.Text.Unicode.Utf8.IsValid(payload.Span))
        {
            throw new InvalidDataException($"{origin}: the body is not valid UTF-8 text at byte {InvalidUtf8At(payload.Span)}");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(payload, new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{origin}: the body is not valid JSON ({ex.Message})", ex);
        }

        try
        {
            RefuseInvalidEscapes(payload.Span, origin);
            return document;
        }
        catch
        {
            document.Dispose();
            throw;
        }
    }

    /// <summary>
    /// JsonDocument unescapes strings only when they are read, and a lone surrogate escape (<c>"\uD800"</c>) then
    /// throws InvalidOperationException from deep inside a reader. Every escaped string and name is decoded once
    /// here, so such text is refused up front with its position.
    /// </summary>
    private static void RefuseInvalidEscapes(ReadOnlySpan<byte> json, string origin)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped)
            {
                try
                {
                    reader.GetString();
                }
                catch (InvalidOperationException ex)
                {
                    throw new InvalidDataException($"{origin}: the {(reader.TokenType == JsonTokenType.String ? "string" : "name")} at byte {reader.TokenStartIndex} "
                        + $"is not valid text: an escape names half of a surrogate pair ({ex.Message})", ex);
                }
            }
        }
    }

    private static int InvalidUtf8At(ReadOnlySpan<byte> bytes)
    {
        var status = System.Text.Unicode.Utf8.ToUtf16(bytes, new char[bytes.Length], out var read, out _, replaceInvalidSequences: false);
        return status == System.Buffers.OperationStatus.Done ? -1 : read;
    }

    public static IEnumerable<RawRecord> Read(JsonElement root, string recordsPath, string origin)
    {
        var segments = Segments(recordsPath);
        var results = new List<RawRecord>();
        Walk(Unwrap(root, origin), segments, 0, "$", new Dictionary<string, string?>(StringComparer.Ordinal), origin, results);
        return results;
    }

    /// <summary>Follows a dotted path from <paramref name="element"/>, unwrapping JSON strings; null when absent.</summary>
    public static JsonElement? Select(JsonElement element, string path, string origin)
    {
        var current = Unwrap(element, origin);
        foreach (var segment in Segments(path))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(segment.Name, out var next))
            {
                return null;
            }

            current = Unwrap(next, origin);
        }

        return current;
    }

    private static void Walk(JsonElement element, IReadOnlyList<Segment> segments, int index, string path,
        Dictionary<string, string?> inherited, string origin, List<RawRecord> results)
    {
        if (index == segments.Count)
        {
            if (element.ValueKind == JsonValueKind.Array)
            {
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Emit(Unwrap(item, origin), $"{path}[{i}]", inherited, origin, results);
                    i++;
                }
            }
            else if (element.ValueKind == JsonValueKind.Object)
            {
                Emit(element, path, inherited, origin, results);
            }
            else if (element.ValueKind is not JsonValueKind.Null and not JsonValueKind.Undefined)
            {
                throw new InvalidDataException($"{origin}: records path ends at {path}, a {element.ValueKind}, not an array or object");
            }

            return;
        }

        var segment = segments[index];
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(segment.Name, out var child))
        {
            throw new InvalidDataException($"{origin}: records path has no '{segment.Name}' at {path}");
        }

        child = Unwrap(child, origin);
        var childPath = $"{path}.{segment.Name}";
        if (!segment.Expand)
        {
            Walk(child, segments, index + 1, childPath, inherited, origin, results);
            return;
        }

        if (child.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"{origin}: expected an array at {childPath}, found {child.ValueKind}");
        }

        var n = 0;
        foreach (var item in child.EnumerateArray())
        {
            var itemElement = Unwrap(item, origin);
            var scope = new Dictionary<string, string?>(inherited, StringComparer.Ordinal);
            if (itemElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in itemElement.EnumerateObject())
                {
                    if (property.Value.ValueKind is not JsonValueKind.Object and not JsonValueKind.Array)
                    {
                        scope["^" + property.Name] = Text(property.Value);
                    }
                }
            }

            Walk(itemElement, segments, index + 1, $"{childPath}[{n++}]", scope, origin, results);
        }
    }

    private static void Emit(JsonElement element, string path, Dictionary<string, string?> inherited, string origin, List<RawRecord> results)
    {
        var fields = new Dictionary<string, string?>(inherited, StringComparer.Ordinal);
        Flatten(element, string.Empty, fields, origin, 0);
        results.Add(new RawRecord(origin, path, fields, IsTable: false));
    }

    private static void Flatten(JsonElement element, string prefix, Dictionary<string, string?> fields, string origin, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new InvalidDataException($"{origin}: record nested deeper than {MaxDepth} levels at {prefix}");
        }

        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Flatten(property.Value, prefix.Length == 0 ? property.Name : $"{prefix}.{property.Name}", fields, origin, depth + 1);
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Flatten(item, $"{prefix}[{i++}]", fields, origin, depth + 1);
                }

                break;
            default:
                fields[prefix] = Text(element);
                break;
        }
    }

    private static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    /// <summary>A string holding JSON is parsed and returned as the element it encodes.</summary>
    private static JsonElement Unwrap(JsonElement element, string origin)
    {
        for (var depth = 0; element.ValueKind == JsonValueKind.String && depth < 4; depth++)
        {
            var text = element.GetString()!.TrimStart();
            if (text.Length == 0 || (text[0] != '{' && text[0] != '['))
            {
                return element;
            }

            try
            {
                using var inner = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = MaxDepth });
                element = inner.RootElement.Clone();
            }
            catch (JsonException)
            {
                return element;
            }
        }

        return element;
    }

    private static List<Segment> Segments(string path)
    {
        var trimmed = path.Trim();
        if (trimmed.StartsWith('$'))
        {
            trimmed = trimmed.TrimStart('$').TrimStart('.');
        }

        return trimmed.Length == 0
            ? []
            : trimmed.Split('.', StringSplitOptions.RemoveEmptyEntries)
                .Select(s => s.EndsWith("[*]", StringComparison.Ordinal) || s.EndsWith("[]", StringComparison.Ordinal)
                    ? new Segment(s[..s.IndexOf('[', StringComparison.Ordinal)], true)
                    : new Segment(s, false))
                .ToList();
    }

    private readonly record struct Segment(string Name, bool Expand);

}
