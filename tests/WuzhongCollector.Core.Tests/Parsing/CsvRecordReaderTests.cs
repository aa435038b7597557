using System.Text;
using WuzhongCollector.Core.Parsing;

namespace WuzhongCollector.Core.Tests.Parsing;

public sealed class CsvRecordReaderTests
{
    private const string Table = "指标名称,期别,数值\n数字经济核心产业增加值,2021年,389.2\n星级上云企业,2022年,188\n";

    public static TheoryData<string, byte[]> Encodings() => new()
    {
        { "utf-8 with BOM", [.. new byte[] { 0xEF, 0xBB, 0xBF }, .. Encoding.UTF8.GetBytes(Table)] },
        { "utf-8 without BOM", Encoding.UTF8.GetBytes(Table) },
        { "gb18030", TextEncodings.Gb18030.GetBytes(Table) },
    };

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Read_AnyEncoding_GivesTheSameChineseRecords(string name, byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);

        var records = CsvRecordReader.Read(stream, name, new CsvSettings()).ToList();

        Assert.Equal(2, records.Count);
        Assert.Equal("数字经济核心产业增加值", records[0].Get("指标名称"));
        Assert.Equal("2022年", records[1].Get("期别"));
        Assert.Equal($"{name} row 3 column '数值'", records[1].Where("数值"));
    }

    [Fact]
    public void Read_ConfiguredDelimiterQuoteAndHeaderRow_AreHonoured()
    {
        var text = "吴中区工信局 示例\n指标名称;数值\n'电子信息;产业规模';512.6\n";
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));

        var record = Assert.Single(CsvRecordReader.Read(stream, "f.csv", new CsvSettings(Delimiter: ';', Quote: '\'', HeaderRow: 2)));

        Assert.Equal("电子信息;产业规模", record.Get("指标名称"));
        Assert.Equal("f.csv row 3 column '指标名称'", record.Where("指标名称"));
    }

    [Fact]
    public void Read_EmptyFile_IsAClearError()
    {
        using var stream = new MemoryStream([]);

        var error = Assert.Throws<InvalidDataException>(() => CsvRecordReader.Read(stream, "empty.csv", new CsvSettings()).ToList());

        Assert.Equal("empty.csv: the file is empty (no header row)", error.Message);
    }

    [Fact]
    public void Read_UnclosedQuote_NamesTheRow()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("a,b\n1,2\n3,\"4\n"));

        var error = Assert.Throws<InvalidDataException>(() => CsvRecordReader.Read(stream, "bad.csv", new CsvSettings()).ToList());

        Assert.StartsWith("bad.csv row 3: malformed CSV", error.Message, StringComparison.Ordinal);
    }
}
