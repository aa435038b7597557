using System.Text;
using WuzhongCollector.Core.Parsing;

namespace WuzhongCollector.Core.Tests.Parsing;

/// <summary>
/// Broken and hostile JSON bodies each get an <see cref="InvalidDataException"/> that names the origin, and
/// parsing never holds more than a bounded amount of the input in memory. (CSV: Tables/HostileCsvTests.)
/// </summary>
public sealed class HostileInputTests
{
    [Fact]
    public void Parse_EmptyBody_IsAClearError()
    {
        var error = Assert.Throws<InvalidDataException>(() => JsonRecordReader.Parse(" \r\n"u8.ToArray(), "http://x/api"));

        Assert.Equal("http://x/api: the body is empty", error.Message);
    }

    [Fact]
    public void Parse_TruncatedBody_IsAClearError()
    {
        var error = Assert.Throws<InvalidDataException>(() => JsonRecordReader.Parse("""{"data":[{"period":"2022年","value":31"""u8.ToArray(), "http://x/api"));

        Assert.StartsWith("http://x/api: the body is not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MillionLevelsDeep_IsAClearError_WithoutDescending()
    {
        var json = new byte[2_000_000];
        json.AsSpan(0, 1_000_000).Fill((byte)'[');
        json.AsSpan(1_000_000).Fill((byte)']');
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        var error = Assert.Throws<InvalidDataException>(() => JsonRecordReader.Parse(json, "http://x/api"));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.StartsWith("http://x/api: the body is not valid JSON", error.Message, StringComparison.Ordinal);
        Assert.Contains("depth", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.True(allocated < 8L * 1024 * 1024, $"parsing allocated {allocated / (1024 * 1024)} MiB");
    }

    [Fact]
    public void Parse_InvalidUtf8_IsAClearError()
    {
        var error = Assert.Throws<InvalidDataException>(() => JsonRecordReader.Parse("{\"v\":\"数"u8.ToArray().Concat(new byte[] { 0xC3, 0x28, (byte)'"', (byte)'}' }).ToArray(), "http://x/api"));

        Assert.Equal("http://x/api: the body is not valid UTF-8 text at byte 9", error.Message);
    }

    [Fact]
    public void Parse_InvalidUtf8InsideAPropertyName_IsAClearError()
    {
        var body = "{\"数"u8.ToArray().Concat(new byte[] { 0xE6, 0x95 }).Concat("\":1}"u8.ToArray()).ToArray();

        var error = Assert.Throws<InvalidDataException>(() => JsonRecordReader.Parse(body, "http://x/api"));

        Assert.Equal("http://x/api: the body is not valid UTF-8 text at byte 5", error.Message);
    }

    [Theory]
    [InlineData("""{"data":[{"period":"2022\ud800年","value":"31"}]}""", "string", 19)]
    [InlineData("""{"data":[{"period":"2022年","value":"\udc00"}]}""", "string", 37)]
    [InlineData("""{"data":[{"\ud83d":"2022年"}]}""", "name", 10)]
    [InlineData("""{"v":"\ude00\ud83d"}""", "string", 5)]
    public void Parse_LoneSurrogateEscape_IsAClearError_NotAnErrorWhenTheValueIsRead(string json, string what, int at)
    {
        var error = Assert.Throws<InvalidDataException>(() => JsonRecordReader.Parse(Encoding.UTF8.GetBytes(json), "http://x/api"));

        Assert.StartsWith($"http://x/api: the {what} at byte {at} is not valid text: an escape names half of a surrogate pair", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SurrogatePairEscape_IsText()
    {
        using var document = JsonRecordReader.Parse("""{"data":[{"name":"\ud83d\ude00 吴中","value":"1"}]}"""u8.ToArray(), "http://x/api");

        Assert.Equal("\U0001F600 吴中", Assert.Single(JsonRecordReader.Read(document.RootElement, "data", "http://x/api")).Get("name"));
    }
}
