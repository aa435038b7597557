using System.Net;
using System.Text.Json;

namespace WuzhongCollector.Service.Tests.Query;

public sealed class QueryApiTests : IDisposable
{
    private readonly TestConfig config = new();

    public void Dispose() => config.Dispose();

    private async Task<CollectorHost> StartWithDataAsync()
    {
        config.WriteSource("gxj-csv", """
            name: 区工信局导出
            kind: csv
            schedule: { cron: "0 2 * * *" }
            file: { path: e.csv }
            mapping:
              indicator: { from: 指标, codes: { 数字经济核心产业增加值: DE_CORE_VALUE_ADDED, 新建数据中心PUE值: DC_NEW_PUE } }
              period: 期别
              value: 数值
              unit: 单位
              status: 状态
            """);
        config.WriteFile("e.csv", """
            指标,期别,数值,单位,状态
            数字经济核心产业增加值,2021年,389.2,亿元,公报
            数字经济核心产业增加值,2022年,448.5,亿元,公报
            数字经济核心产业增加值,2023年,520,亿元,快报
            新建数据中心PUE值,2022年,1.35,,公报
            """);
        var host = await CollectorHost.StartAsync(config);
        await host.CollectAsync("gxj-csv");
        return host;
    }

    [Fact]
    public async Task Indicators_ListTheCatalogue_WithTargetsAndLatestValue()
    {
        await using var host = await StartWithDataAsync();

        var indicators = (await host.Http.GetFromJsonAsync<List<JsonElement>>("/api/indicators"))!;
        var valueAdded = indicators.Single(i => i.GetProperty("code").GetString() == "DE_CORE_VALUE_ADDED");
        var stations = await host.Http.GetFromJsonAsync<JsonElement>("/api/indicators/BASE_STATIONS_5G");
        var missing = await host.Http.GetAsync("/api/indicators/NOPE");

        Assert.Equal(RepoCatalogue.Indicators, indicators.Count);
        Assert.Equal("数字经济核心产业增加值", valueAdded.GetProperty("nameZh").GetString());
        Assert.Equal(600m, valueAdded.GetProperty("targets")[0].GetProperty("value").GetDecimal());
        Assert.Equal(">=", valueAdded.GetProperty("targets")[0].GetProperty("comparator").GetString());
        Assert.Equal("2023", valueAdded.GetProperty("latest").GetProperty("period").GetString());
        Assert.Equal(520m, valueAdded.GetProperty("latest").GetProperty("value").GetDecimal());
        Assert.Equal("provisional", valueAdded.GetProperty("latest").GetProperty("status").GetString());
        Assert.Equal([2021, 2022], stations.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("year").GetInt32()));
        Assert.Equal(JsonValueKind.Null, stations.GetProperty("latest").ValueKind);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Series_FiltersByPeriod_AndServesCsv()
    {
        await using var host = await StartWithDataAsync();

        var json = await host.Http.GetFromJsonAsync<SeriesDto>("/api/series/DE_CORE_VALUE_ADDED?from=2022&to=2023");
        var csv = await host.Http.GetStringAsync("/api/series/DE_CORE_VALUE_ADDED?format=csv");
        var lines = csv.TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal([("2022", 448.5m), ("2023", 520m)], json!.Points.Select(p => (p.Period, p.Value)));
        Assert.Equal("亿元", json.Unit);
        Assert.StartsWith("\"indicator\",\"area\",\"period\",\"periodType\",\"value\",\"unit\",\"status\",\"source\"", lines[0], StringComparison.Ordinal);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("\"DE_CORE_VALUE_ADDED\",\"320506\",\"2021\",\"year\",389.2,\"亿元\",\"normal\",\"gxj-csv\",1,", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task SourcesAndRuns_ShowTheLastRunAndItsCounts()
    {
        await using var host = await StartWithDataAsync();
        await Eventually.Async(() => host.ScalarAsync<long>("SELECT count(*) FROM source").Result == 1 ? "ok" : null);

        var sources = (await host.Http.GetFromJsonAsync<List<JsonElement>>("/api/sources"))!;
        var runs = (await host.Http.GetFromJsonAsync<List<JsonElement>>("/api/runs?source=gxj-csv"))!;

        var source = Assert.Single(sources);
        Assert.Equal("gxj-csv", source.GetProperty("id").GetString());
        Assert.Equal("succeeded", source.GetProperty("lastOutcome").GetString());
        Assert.Equal(4, Assert.Single(runs).GetProperty("stored").GetInt32());
        Assert.Equal("e.csv", runs[0].GetProperty("origin").GetString());
    }

    [Fact]
    public async Task Rejects_OfARunWithoutRejects_AreEmpty_OfARunThatDoesNotExist_A404NamingIt()
    {
        await using var host = await StartWithDataAsync();
        var run = await host.ScalarAsync<long>("SELECT id FROM run WHERE source_id = 'gxj-csv'");

        var clean = await host.Http.GetAsync($"/api/runs/{run}/rejects");
        var missing = await host.Http.GetAsync($"/api/runs/{run + 1000}/rejects");

        Assert.Equal(HttpStatusCode.OK, clean.StatusCode);
        Assert.Equal(0, (await clean.Content.ReadFromJsonAsync<JsonElement>()).GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"no run {run + 1000}", (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task OpenApi_DescribesTheApi()
    {
        await using var host = await StartWithDataAsync();

        var document = await host.Http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/series/{code}", paths);
        Assert.Contains("/api/indicators", paths);
        Assert.Contains("/api/runs", paths);
    }
}
