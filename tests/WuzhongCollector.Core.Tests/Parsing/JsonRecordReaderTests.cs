using System.Text;
using WuzhongCollector.Core.Parsing;

namespace WuzhongCollector.Core.Tests.Parsing;

public sealed class JsonRecordReaderTests
{
    private static List<RawRecord> Read(string json, string path)
    {
        using var document = JsonRecordReader.Parse(Encoding.UTF8.GetBytes(json), "http://x/api");
        return JsonRecordReader.Read(document.RootElement, path, "http://x/api").ToList();
    }

    [Fact]
    public void Read_RecordsPath_FlattensEachRecord()
    {
        var records = Read("""{"data":{"items":[{"code":"A","v":{"n":1.5}},{"code":"B","v":{"n":2}}]}}""", "data.items");

        Assert.Equal(["A", "B"], records.Select(r => r.Get("code")));
        Assert.Equal("1.5", records[0].Get("v.n"));
        Assert.Equal("http://x/api $.data.items[1].v.n", records[1].Where("v.n"));
    }

    [Fact]
    public void Read_JsonInsideAString_IsUnwrappedEvenTwice()
    {
        var inner = """{"rows":[{"year":"2021","value":"86.5"}]}""";
        var middle = System.Text.Json.JsonSerializer.Serialize(new { data = inner });
        var outer = System.Text.Json.JsonSerializer.Serialize(new { code = "000000", data = middle });

        var record = Assert.Single(Read(outer, "data.data.rows"));

        Assert.Equal("86.5", record.Get("value"));
    }

    [Fact]
    public void Read_NestedArrays_PassParentFieldsWithCaret()
    {
        var records = Read("""{"data":[{"code":"2025YY","values":[{"value":"52073.4"}]},{"code":"2024YY","values":[{"value":"49670.2"}]}]}""", "data[*].values[*]");

        Assert.Equal([("2025YY", "52073.4"), ("2024YY", "49670.2")], records.Select(r => (r.Get("^code"), r.Get("value"))));
    }

    [Fact]
    public void Read_MissingPath_NamesWhereItStopped()
    {
        var error = Assert.Throws<InvalidDataException>(() => Read("""{"data":{}}""", "data.records"));

        Assert.Equal("http://x/api: records path has no 'records' at $.data", error.Message);
    }

    [Fact]
    public void Parse_DeeplyNested_IsAClearError()
    {
        var json = new string('[', 200) + new string(']', 200);

        var error = Assert.Throws<InvalidDataException>(() => JsonRecordReader.Parse(Encoding.UTF8.GetBytes(json), "http://x/api"));

        Assert.StartsWith("http://x/api: the body is not valid JSON", error.Message, StringComparison.Ordinal);
    }
}
