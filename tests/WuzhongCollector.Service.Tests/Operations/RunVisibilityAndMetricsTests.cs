using System.Globalization;
using System.Net;
using System.Text.Json;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WuzhongCollector.Service.Operations;

namespace WuzhongCollector.Service.Tests.Operations;

public sealed class RunVisibilityAndMetricsTests : IDisposable
{
    private readonly TestConfig config = new();

    public void Dispose() => config.Dispose();

    [Fact]
    public async Task ScheduledRun_ShowsItsStepsCountsAndRetriesInTheDashboard_AndCountsInMetrics()
    {
        await using var server = await LoopbackServer.StartAsync((call, context) => call == 1
            ? LoopbackServer.Json(context, "{}", 503)
            : LoopbackServer.Json(context, Samples.HttpRecords));
        config.WriteSource("portal", Samples.Http(server.BaseUrl + "/api/data?key=abc", retries: 1));
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var host = await CollectorHost.StartAsync(config, timeProvider: time);
        await host.WaitForRecurringAsync(new Dictionary<string, string> { ["portal"] = "0 * * * *" });

        var jobId = host.Trigger("portal");
        var (state, reason) = await host.WaitForJobAsync(jobId, "Succeeded", "Failed");

        var runId = await host.ScalarAsync<long>("SELECT id FROM run");
        var expected = $"run {runId} partial: GET {server.BaseUrl}/api/data; received {System.Text.Encoding.UTF8.GetByteCount(Samples.HttpRecords)} bytes in 1 page(s) after 2 call(s); "
            + "read 3 rows: 2 stored, 0 unchanged, 1 rejected, 0 missing, 0 skipped | retries: attempt 1 failed (HTTP 503); retrying in 0 s";
        Assert.Equal(("Succeeded", expected), (state, reason));
        var page = await host.Http.GetStringAsync($"/hangfire/jobs/details/{jobId}");
        Assert.Contains(WebUtility.HtmlEncode(expected), page, StringComparison.Ordinal);

        time.Advance(TimeSpan.FromMinutes(90));
        var metrics = await host.Http.GetStringAsync("/metrics");
        Assert.Contains("wuzhong_runs_total{source=\"portal\",outcome=\"partial\"} 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("wuzhong_rows_read_total{source=\"portal\"} 3\n", metrics, StringComparison.Ordinal);
        Assert.Contains("wuzhong_observations_stored_total{source=\"portal\"} 2\n", metrics, StringComparison.Ordinal);
        Assert.Contains("wuzhong_rejects_total{source=\"portal\"} 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("wuzhong_http_retries_total{source=\"portal\"} 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("wuzhong_source_circuit_state{source=\"portal\"} 0\n", metrics, StringComparison.Ordinal);
        Assert.Contains("wuzhong_source_seconds_since_success{source=\"portal\"} 5400\n", metrics, StringComparison.Ordinal);
        Assert.Contains("wuzhong_source_consecutive_failures{source=\"portal\"} 0\n", metrics, StringComparison.Ordinal);
        Assert.Contains("wuzhong_source_paused{source=\"portal\"} 0\n", metrics, StringComparison.Ordinal);
        Assert.Contains("wuzhong_job_queue_length 0\n", metrics, StringComparison.Ordinal);
        var runs = await host.Http.GetFromJsonAsync<JsonElement>("/api/runs");
        Assert.Equal(
            [$"GET {server.BaseUrl}/api/data", $"received {System.Text.Encoding.UTF8.GetByteCount(Samples.HttpRecords)} bytes in 1 page(s) after 2 call(s)", "read 3 rows: 2 stored, 0 unchanged, 1 rejected, 0 missing, 0 skipped"],
            runs[0].GetProperty("steps").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task Dashboard_HtmlLang_IsTheLanguageOfItsText_NotTheInvariantCulturesIv()
    {
        await using var host = await CollectorHost.StartAsync(config);

        var page = await host.Http.GetStringAsync("/hangfire");

        // Without a locale (LANG=C, as on this machine) the text is Hangfire's neutral English; with one, Hangfire's own.
        if (CultureInfo.CurrentUICulture.Equals(CultureInfo.InvariantCulture))
        {
            Assert.Contains("<html lang=\"en\">", page, StringComparison.Ordinal);
            Assert.Contains("Recurring Jobs", page, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains($"<html lang=\"{CultureInfo.CurrentUICulture.TwoLetterISOLanguageName}\">", page, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Metrics_JobQueueLength_CountsJobsWaitingForAWorker()
    {
        await using var host = await CollectorHost.StartAsync(config, settings: new Dictionary<string, string?> { ["Collector:RunScheduler"] = "false" });
        var client = host.Services.GetRequiredService<IBackgroundJobClient>();
        client.Enqueue<CollectSourceJob>(job => job.RunAsync("a", CancellationToken.None));
        client.Enqueue<CollectSourceJob>(job => job.RunAsync("b", CancellationToken.None));

        var metrics = await host.Http.GetStringAsync("/metrics");

        Assert.Contains("wuzhong_job_queue_length 2\n", metrics, StringComparison.Ordinal);
        Assert.Contains("wuzhong_hangfire_jobs{state=\"enqueued\"} 2\n", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Healthz_DatabaseSchedulerAndConfig_ReportHealthy_ThenDegradedOnAConfigError()
    {
        config.WriteFile("exports/robots.csv", Samples.RobotsCsv);
        config.WriteSource("robots", Samples.RobotsSource);
        await using var host = await CollectorHost.StartAsync(config, settings: Samples.Fast());

        var health = await Eventually.WaitAsync(() => host.Http.GetFromJsonAsync<HealthDto>("/healthz"), h => h!.Status == "Healthy", "a healthy service");

        Assert.Equal(["database Healthy reachable", "scheduler Healthy", "config Healthy 1 sources, no errors"],
            health!.Checks.Select(c => c.Name == "scheduler" ? $"{c.Name} {c.Status}" : $"{c.Name} {c.Status} {c.Description}"));
        Assert.StartsWith("running: 5 workers", health.Checks.Single(c => c.Name == "scheduler").Description, StringComparison.Ordinal);

        config.WriteSource("broken", "kind: csv\n");
        var degraded = await Eventually.WaitAsync(
            async () =>
            {
                using var response = await host.Http.GetAsync("/healthz");
                return (response.StatusCode, Body: await response.Content.ReadFromJsonAsync<HealthDto>());
            },
            r => r.Body!.Status == "Degraded",
            "degraded health");
        Assert.Equal(HttpStatusCode.OK, degraded.StatusCode);
        Assert.Equal("config Degraded 3 error(s) in config/sources; see /api/config/errors",
            degraded.Body!.Checks.Where(c => c.Name == "config").Select(c => $"{c.Name} {c.Status} {c.Description}").Single());
    }

    [Fact]
    public async Task DatabaseHealthCheck_UnreachableServer_IsUnhealthy()
    {
        await using var dataSource = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Username=x;Password=x;Timeout=2");

        var result = await new DatabaseHealthCheck(dataSource).CheckHealthAsync(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext());

        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy, result.Status);
        Assert.StartsWith("unreachable: ", result.Description, StringComparison.Ordinal);
    }

    public sealed record HealthDto(string Status, List<CheckDto> Checks);

    public sealed record CheckDto(string Name, string Status, string Description);
}
