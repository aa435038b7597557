using System.Text.Json;

namespace WuzhongCollector.Core.OpenData.Formats;

/// <summary>Small readers for decoders: a property as text, whatever JSON type the source chose this time.</summary>
internal static class JsonFields
{
    public static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? Text(value) : null;

    public static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    public static JsonElement? Child(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public static IEnumerable<JsonElement> Items(JsonElement? element) =>
        element is { ValueKind: JsonValueKind.Array } array ? array.EnumerateArray() : [];

    public static JsonElement Array(JsonElement parent, string name, string where, string origin) =>
        Child(parent, name) is { ValueKind: JsonValueKind.Array } array
            ? array
            : throw new PayloadException($"{origin}: expected an array at {where}.{name}, found {Describe(Child(parent, name))}");

    public static JsonElement Object(JsonElement parent, string name, string where, string origin) =>
        Child(parent, name) is { ValueKind: JsonValueKind.Object } obj
            ? obj
            : throw new PayloadException($"{origin}: expected an object at {where}.{name}, found {Describe(Child(parent, name))}");

    public static string Describe(JsonElement? element) => element?.ValueKind switch
    {
        null => "nothing",
        JsonValueKind.String => $"the string \"{Shorten(element.Value.GetString()!)}\"",
        var kind => kind.ToString()!.ToLowerInvariant(),
    };

    private static string Shorten(string text) => text.Length > 80 ? text[..80] + "…" : text;
}
