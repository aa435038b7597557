using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace WuzhongCollector.Service.Tests.Collection;

/// <summary>The whole path through Hangfire: recurring jobs, dashboard, retries, against a real loopback endpoint.</summary>
public sealed class HangfireCollectionTests : IDisposable
{
    private readonly TestConfig config = new();

    public void Dispose() => config.Dispose();

    private static string HttpSource(string url, int maxRetries) => $$"""
        name: 区通信发展办 5G基站接口 (test)
        kind: http-json
        schedule: { cron: "0 3 * * *", timeZone: Asia/Shanghai }
        http:
          url: "{{url}}"
          records: data
          resilience: { attemptTimeoutSeconds: 5, totalTimeoutSeconds: 20, maxRetries: {{maxRetries}}, baseDelaySeconds: 0, breakSeconds: 1 }
        mapping:
          indicator: { from: indicator, codes: { 累计建成5G基站: BASE_STATIONS_5G } }
          period: period
          value: value
          unit: unit
        """;

    private const string Payload = """{"data":[{"indicator":"累计建成5G基站","period":"2021年","value":3120,"unit":"个"},{"indicator":"累计建成5G基站","period":"2022年","value":0.4215,"unit":"万个"}]}""";

    [Fact]
    public async Task Service_ListsOneRecurringJobPerSource_AndTheDashboardAnswers()
    {
        await using var endpoint = await LoopbackServer.StartAsync((_, c) => LoopbackServer.Json(c, Payload));
        config.WriteSource("txb-5g", HttpSource(endpoint.BaseUrl + "/5g", 0));
        config.WriteSource("gxj-csv", """
            kind: csv
            schedule: { cron: "0 2 * * *" }
            file: { path: a.csv }
            mapping: { indicator: { const: DC_NEW_PUE }, period: p, value: v }
            """);
        await using var host = await CollectorHost.StartAsync(config);

        var jobs = await Eventually.Async(() =>
        {
            using var connection = host.Services.GetRequiredService<JobStorage>().GetConnection();
            var list = connection.GetRecurringJobs().Where(j => !j.Id.StartsWith(RecurringJobSync.SystemJobPrefix, StringComparison.Ordinal)).ToList();
            return list.Count == 2 ? list : null;
        });
        var dashboard = await host.Http.GetAsync("/hangfire/recurring");
        var html = await dashboard.Content.ReadAsStringAsync();

        Assert.Equal(["gxj-csv", "txb-5g"], jobs.Select(j => j.Id).Order());
        Assert.All(jobs, j => Assert.Equal("China Standard Time", TimeZoneInfo.TryConvertIanaIdToWindowsId(j.TimeZoneId, out var w) ? w : j.TimeZoneId));
        Assert.Equal(System.Net.HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("txb-5g", html, StringComparison.Ordinal);
        Assert.Contains("Collect", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trigger_TransientFailure_IsRetriedByHangfire_AndBothRunsAreVisible()
    {
        // Two 503s exhaust the source's single Polly retry; Hangfire's retry then finds the endpoint healthy.
        await using var endpoint = await LoopbackServer.StartAsync((call, c) => call <= 2
            ? LoopbackServer.Json(c, """{"error":"busy"}""", 503)
            : LoopbackServer.Json(c, Payload));
        config.WriteSource("txb-5g", HttpSource(endpoint.BaseUrl + "/5g", 1));
        await using var host = await CollectorHost.StartAsync(config);
        await Eventually.Async(() => host.ScalarAsync<long>("SELECT count(*) FROM source").Result == 1 ? "ok" : null);

        host.Services.GetRequiredService<IRecurringJobManager>().Trigger("txb-5g");
        var runs = await Eventually.Async(async () =>
        {
            var list = (await host.Http.GetFromJsonAsync<List<RunDto>>("/api/runs?source=txb-5g"))!;
            return list.Any(r => r.Outcome == "succeeded") ? list : null;
        });
        var series = await host.Http.GetFromJsonAsync<SeriesDto>("/api/series/BASE_STATIONS_5G");

        Assert.Equal(["succeeded", "failed-transient"], runs.Select(r => r.Outcome));
        Assert.Equal([2, 1], runs.Select(r => r.Attempt));
        Assert.Equal("txb-5g: HTTP 503 (server error) after 2 call(s)", runs[1].Error);
        Assert.Single(runs[1].Retries);
        Assert.Equal(runs[0].JobId, runs[1].JobId);
        Assert.Equal(3, endpoint.Calls);
        Assert.Equal([3120m, 4215m], series!.Points.Select(p => p.Value));
    }

    [Fact]
    public async Task Trigger_PermanentFailure_IsNotRetried()
    {
        await using var endpoint = await LoopbackServer.StartAsync((_, c) =>
        {
            c.Response.ContentType = "text/html";
            return c.Response.WriteAsync("<html><body>维护中</body></html>");
        });
        config.WriteSource("txb-5g", HttpSource(endpoint.BaseUrl + "/5g", 2));
        await using var host = await CollectorHost.StartAsync(config);
        await Eventually.Async(() => host.ScalarAsync<long>("SELECT count(*) FROM source").Result == 1 ? "ok" : null);

        host.Services.GetRequiredService<IRecurringJobManager>().Trigger("txb-5g");
        var run = await Eventually.Async(async () => (await host.Http.GetFromJsonAsync<List<RunDto>>("/api/runs?source=txb-5g"))!.FirstOrDefault(r => r.Outcome != "running"));
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.Equal("failed-permanent", run.Outcome);
        Assert.Contains("HTML page", run.Error, StringComparison.Ordinal);
        Assert.Equal(1, endpoint.Calls);
        Assert.Equal(1, await host.ScalarAsync<long>("SELECT count(*) FROM run"));
        Assert.Equal(0, await host.ScalarAsync<long>("SELECT count(*) FROM observation"));
    }

    private sealed record RunDto(long Id, string Outcome, int Attempt, string? JobId, string? Error, string[] Retries, int Calls);
}
