using System.Text.Json;
using System.Text.Json.Serialization;

namespace WuzhongCollector.Service.Web;

/// <summary>
/// JSON request bodies may not put a NUL (\u0000) in a string: PostgreSQL cannot store one (22021), so it is
/// refused while the body is read, as a 400 naming the body, before a handler sees it.
/// </summary>
public sealed class JsonTextWithoutNul : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Checked(reader.GetString());

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    // Dictionary keys are strings too: both directions must keep working for them.
    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Checked(reader.GetString())!;

    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);

    private static string? Checked(string? text) =>
        text is not null && text.Contains('\0', StringComparison.Ordinal) ? throw new JsonException("a string contains a NUL character (\\u0000)") : text;
}
