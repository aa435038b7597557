using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using WuzhongCollector.Service.Cli;
using static WuzhongCollector.Service.Tests.Infrastructure.Faults;

namespace WuzhongCollector.Service.Tests.Collection;

/// <summary>
/// "No data for this query" is an outcome of its own (empty), not a failure; records a mapping skips on purpose are
/// counted as skipped, not rejected. Both show in the run record, /api/runs, the dashboard and the metrics, and
/// check agrees with run.
/// </summary>
public sealed class EmptyAndSkippedRunTests : IDisposable
{
    private const string Nbs501 = """{"returncode": 501, "returndata": "对不起，未能找到符合查询条件的信息。"}""";

    // Shanghai-style: code "000000", the rows as a JSON string, jhpt_delete "1" on a row the portal deleted.
    private const string Portal = """
        {"code":"000000","message":"成功","data":"{\"state\":true,\"total\":3,\"data\":[{\"nf\":\"2022\",\"qkl\":\"14\",\"jhpt_delete\":\"0\"},{\"nf\":\"2022\",\"qkl\":\"11\",\"jhpt_delete\":\"1\"},{\"nf\":\"2023\",\"qkl\":\"21\",\"jhpt_delete\":\"0\"}]}"}
        """;

    private readonly TestConfig config = new();

    public void Dispose() => config.Dispose();

    [Fact]
    public async Task NoDataAnswers_RunAsEmpty_AndCheckSaysEmptyToo()
    {
        await using var server = await LoopbackServer.StartAsync((_, context) => context.Request.Path.Value switch
        {
            "/sdmx" => Status(404, body: "NoResultsFound: No data for the query", contentType: "text/plain")(context),
            _ => Ok(Nbs501)(context),
        });
        config.WriteSource("sdmx", Source("sdmx-json", server.BaseUrl + "/sdmx", "  indicator: { const: ONLINE_RETAIL_SALES }\n  period: TIME_PERIOD\n  value: value"));
        config.WriteSource("nbs", Source("nbs-easyquery", server.BaseUrl + "/easyquery.htm",
            "  indicator: { from: indicatorName, codes: { 软件业务收入_累计值: SOFTWARE_IT_SERVICES_OUTPUT } }\n  area: { const: \"100000\" }\n  period: period\n  value: value",
            "  query: { m: QueryData, dbcode: hgyd, wds: '[]' }"));
        await using var host = await CollectorHost.StartAsync(config);

        var sdmx = await host.CollectAsync("sdmx");
        var nbs = await host.CollectAsync("nbs");
        var (checkExit, check) = await CheckAsync("nbs");

        Assert.Equal(("empty", 0, 0), (sdmx.Outcome, sdmx.Counts!.RowsRead, sdmx.Counts.Stored));
        Assert.Equal(("empty", 0), (nbs.Outcome, nbs.Counts!.RowsRead));
        var runs = await host.Http.GetFromJsonAsync<JsonElement>("/api/runs?source=nbs");
        Assert.Equal(
            [
                $"GET {server.BaseUrl}/easyquery.htm",
                "the answer says there is no data ('returncode == 501'): 对不起，未能找到符合查询条件的信息。",
                $"received {System.Text.Encoding.UTF8.GetByteCount(Nbs501)} bytes in 1 page(s) after 1 call(s)",
                "read 0 rows: the source has no data for this query",
            ],
            runs[0].GetProperty("steps").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(("empty", JsonValueKind.Null), (runs[0].GetProperty("outcome").GetString(), runs[0].GetProperty("error").ValueKind));
        Assert.Equal(0, checkExit);
        Assert.Equal($"nbs: 0 record(s) in {server.BaseUrl}/easyquery.htm: 0 observation(s) would be stored, 0 reject(s), 0 missing or below unit; a run would end as empty; nothing was written", check[^1]);
        Assert.Equal((0, $"sdmx: 0 record(s) in {server.BaseUrl}/sdmx: 0 observation(s) would be stored, 0 reject(s), 0 missing or below unit; a run would end as empty; nothing was written"),
            await CheckAsync("sdmx") is var (exit, lines) ? (exit, lines[^1]) : default);
    }

    [Fact]
    public async Task SkippedRecords_AreCountedNotRejected_AndShowInTheDashboardApiAndMetrics()
    {
        await using var server = await LoopbackServer.StartAsync((_, context) => Ok(Portal)(context));
        config.WriteSource("portal", Source("http-json", server.BaseUrl + "/interface/12224/36129",
            "  period: nf\n  skip: 'jhpt_delete == \"1\"'\n  values:\n    - { from: qkl, indicator: BLOCKCHAIN_CASE_ENTERPRISES, unit: 家 }",
            "  records: data.data\n  success: 'code == \"000000\" && data.state == true'"));
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var host = await CollectorHost.StartAsync(config, timeProvider: time);
        await host.WaitForRecurringAsync(new Dictionary<string, string> { ["portal"] = "0 * * * *" });

        var jobId = host.Trigger("portal");
        var (state, reason) = await host.WaitForJobAsync(jobId, "Succeeded", "Failed");

        var runId = await host.ScalarAsync<long>("SELECT id FROM run");
        Assert.Equal(("Succeeded", $"run {runId} succeeded: GET {server.BaseUrl}/interface/12224/36129; received {System.Text.Encoding.UTF8.GetByteCount(Portal)} bytes in 1 page(s) after 1 call(s); "
            + "read 3 rows: 2 stored, 0 unchanged, 0 rejected, 0 missing, 1 skipped | no retries"), (state, reason));
        Assert.Equal(["BLOCKCHAIN_CASE_ENTERPRISES 2022 14", "BLOCKCHAIN_CASE_ENTERPRISES 2023 21"],
            await host.QueryAsync<string>("SELECT indicator_code || ' ' || period || ' ' || trim_scale(value)::text FROM observation ORDER BY period"));
        Assert.Equal(0, await host.ScalarAsync<long>("SELECT count(*) FROM reject"));
        var run = (await host.Http.GetFromJsonAsync<JsonElement>("/api/runs"))[0];
        Assert.Equal(("succeeded", 3, 0, 1), (run.GetProperty("outcome").GetString(), run.GetProperty("rowsRead").GetInt32(), run.GetProperty("rejected").GetInt32(), run.GetProperty("skipped").GetInt32()));
        Assert.Equal(1, (await host.Http.GetFromJsonAsync<JsonElement>("/api/sources"))[0].GetProperty("lastSkipped").GetInt32());
        var metrics = await host.Http.GetStringAsync("/metrics");
        Assert.Contains("wuzhong_runs_total{source=\"portal\",outcome=\"succeeded\"} 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("wuzhong_skipped_records_total{source=\"portal\"} 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("wuzhong_rejects_total{source=\"portal\"} 0\n", metrics, StringComparison.Ordinal);
        Assert.Contains(WebUtility.HtmlEncode("0 rejected, 0 missing, 1 skipped"), await host.Http.GetStringAsync($"/hangfire/jobs/details/{jobId}"), StringComparison.Ordinal);
    }

    private static string Source(string kind, string url, string mapping, string http = "") => $"""
        name: {kind} (loopback)
        kind: {kind}
        schedule: {"{"} cron: "0 * * * *" {"}"}
        http:
          url: "{url}"
        {http}
          resilience: {"{"} attemptTimeoutSeconds: 5, totalTimeoutSeconds: 20, maxRetries: 0 {"}"}
        mapping:
        {mapping}
        """;

    private async Task<(int Exit, string[] Lines)> CheckAsync(string source)
    {
        var output = new StringWriter();
        var exit = await CliCommands.RunAsync(["check", source], output, CancellationToken.None, new Dictionary<string, string?> { ["Collector:ConfigDirectory"] = config.Directory });
        return (exit, output.ToString().TrimEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
