using System.Text;
using MiniExcelLibs;

namespace WuzhongCollector.Service.Tests.Plan;

public sealed class ExportTests : IDisposable
{
    private readonly TestConfig config = new();

    public void Dispose() => config.Dispose();

    private async Task<CollectorHost> StartAsync()
    {
        config.WriteCsvSource("bureau", PlanFixture.Figures);
        var host = await CollectorHost.StartAsync(config, timeProvider: PlanFixture.Time());
        await host.CollectAsync("bureau");
        return host;
    }

    [Fact]
    public async Task ExportObservations_CsvChinese_IsALongTableWithChineseHeaders()
    {
        await using var host = await StartAsync();

        var response = await host.Http.GetAsync("/api/export/observations?format=csv&lang=zh&indicators=DC_NEW_PUE,DE_CORE_VALUE_ADDED_GROWTH");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var runId = await host.ScalarAsync<long>("SELECT id FROM run");

        Assert.Equal("text/csv; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("wuzhong-observations-320506.csv", response.Content.Headers.ContentDisposition!.FileName);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal(
        [
            "\"指标代码\",\"指标名称\",\"地区代码\",\"期别\",\"期别类型\",\"数值\",\"单位\",\"数据状态\",\"来源\",\"版本\",\"运行编号\",\"记录时间(UTC)\",\"数据位置\",\"质量标记\"",
            "\"DE_CORE_VALUE_ADDED_GROWTH\",\"数字经济核心产业增加值年均增长率\",\"320506\",\"2021\",\"年\",17.76,\"%\",\"推算\",\"DE_CORE_VALUE_ADDED\",,,,,\"\"",
            "\"DE_CORE_VALUE_ADDED_GROWTH\",\"数字经济核心产业增加值年均增长率\",\"320506\",\"2022\",\"年\",16.49,\"%\",\"推算\",\"DE_CORE_VALUE_ADDED\",,,,,\"\"",
            "\"DE_CORE_VALUE_ADDED_GROWTH\",\"数字经济核心产业增加值年均增长率\",\"320506\",\"2023\",\"年\",16.31,\"%\",\"推算\",\"DE_CORE_VALUE_ADDED\",,,,,\"\"",
            $"\"DC_NEW_PUE\",\"新建数据中心PUE(电能使用效率)值\",\"320506\",\"2020\",\"年\",1.5,\"ratio\",\"公报\",\"bureau\",1,{runId},\"2024-03-01T02:00:00Z\",\"exports/bureau.csv row 12 column '数值'\",\"\"",
            $"\"DC_NEW_PUE\",\"新建数据中心PUE(电能使用效率)值\",\"320506\",\"2022\",\"年\",1.34,\"ratio\",\"公报\",\"bureau\",1,{runId},\"2024-03-01T02:00:00Z\",\"exports/bureau.csv row 13 column '数值'\",\"\"",
        ], lines);
    }

    [Fact]
    public async Task ExportObservations_XlsxSheets_OneSheetPerIndicatorAfterAnIndex()
    {
        await using var host = await StartAsync();

        var bytes = await host.Http.GetByteArrayAsync("/api/export/observations?format=xlsx&layout=sheets&lang=en");

        using var stream = new MemoryStream(bytes);
        var sheets = MiniExcel.GetSheetNames(stream);
        Assert.Equal(RepoCatalogue.Indicators + 1, sheets.Count);
        Assert.Equal(["indicators", "DE_CORE_VALUE_ADDED", "DE_CORE_VALUE_ADDED_GROWTH"], sheets.Take(3));
        Assert.Contains("SMART_DIGITAL_TRANSFORMATION_PR", sheets);
        var index = stream.Query(useHeaderRow: true, sheetName: "indicators").Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(RepoCatalogue.Indicators, index.Count);
        Assert.Equal(("DC_NEW_PUE", "<= 1.3 (2023)", 2d), index.Where(r => (string)r["indicator_code"] == "DC_NEW_PUE").Select(r => ((string)r["sheet"], (string)r["targets"], Convert.ToDouble(r["figures"], System.Globalization.CultureInfo.InvariantCulture))).Single());
        var robots = stream.Query(useHeaderRow: true, sheetName: "INDUSTRIAL_ROBOTS_DEPLOYED").Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(
        [
            ("2021", "year", 310d, "normal"), ("2022", "year", 655d, "normal"), ("2023-01..2023-09", "ytd", 905d, "provisional"),
        ], robots.Select(r => ((string)r["period"], (string)r["period_type"], Convert.ToDouble(r["value"], System.Globalization.CultureInfo.InvariantCulture), (string)r["status"])));
    }

    [Fact]
    public async Task ExportProgress_XlsxChinese_HasEveryTargetWithItsStatus()
    {
        await using var host = await StartAsync();

        var bytes = await host.Http.GetByteArrayAsync("/api/export/progress?format=xlsx&lang=zh");

        using var stream = new MemoryStream(bytes);
        var rows = stream.Query(useHeaderRow: true).Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(RepoCatalogue.Targets, rows.Count);
        var robots = rows.Single(r => (string)r["指标代码"] == "INDUSTRIAL_ROBOTS_DEPLOYED");
        Assert.Equal(("推广应用工业机器人", ">= 1000", "存在风险", "linear", 984.0909d), ((string)robots["指标名称"], (string)robots["目标"], (string)robots["状态"], (string)robots["预测方法"], (double)robots["预测值"]));
        Assert.Equal(2, rows.Count(r => (string)r["指标代码"] == "BASE_STATIONS_5G"));
    }

    [Theory]
    [InlineData("/api/export/observations?format=csv&layout=sheets", "layout: sheets needs format=xlsx: a CSV file has one table")]
    [InlineData("/api/export/observations?format=pdf", "format: 'pdf' is not one of csv, xlsx")]
    [InlineData("/api/export/progress?lang=fr", "lang: 'fr' is not one of zh, en")]
    [InlineData("/api/export/observations?indicators=NOPE", "indicators: unknown code(s) NOPE")]
    public async Task Export_BadRequest_SaysWhatIsWrong(string url, string detail)
    {
        await using var host = await CollectorHost.StartAsync(config);

        var response = await host.Http.GetAsync(url);

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(detail, (await response.Content.ReadFromJsonAsync<ProblemDto>())!.Detail);
    }

    private sealed record ProblemDto(string Detail);
}
