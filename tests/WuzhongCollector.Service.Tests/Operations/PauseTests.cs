using Microsoft.Extensions.DependencyInjection;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace WuzhongCollector.Service.Tests.Operations;

public sealed class PauseTests : IDisposable
{
    private readonly TestConfig config = new();

    public PauseTests() => config.WriteFile("exports/robots.csv", Samples.RobotsCsv);

    public void Dispose() => config.Dispose();

    [Fact]
    public async Task PauseApi_AdminToken_PausesWithReasonAndTime_AndResumeRestoresTheSchedule()
    {
        config.WriteSource("robots", Samples.RobotsSource);
        await using var host = await CollectorHost.StartAsync(config, settings: Credentials.Settings());
        await host.WaitForRecurringAsync(new Dictionary<string, string> { ["robots"] = "0 2 * * *" });

        using var pause = new HttpRequestMessage(HttpMethod.Post, "/api/sources/robots/pause") { Content = JsonContent.Create(new { reason = "导出模板变更，等待新格式" }) };
        pause.Headers.Authorization = Credentials.Bearer(Credentials.AdminToken);
        using var paused = await host.Http.SendAsync(pause);

        Assert.Equal(System.Net.HttpStatusCode.OK, paused.StatusCode);
        var state = await paused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(state.GetProperty("paused").GetBoolean());
        Assert.Equal("导出模板变更，等待新格式", state.GetProperty("reason").GetString());
        Assert.Equal("api:token:ops", state.GetProperty("pausedBy").GetString());
        Assert.Equal(new Dictionary<string, string> { ["robots"] = HostHangfire.Never }, host.RecurringCrons());
        var listed = (await host.Http.GetFromJsonAsync<JsonElement>("/api/sources"))[0];
        Assert.Equal(("导出模板变更，等待新格式", "api:token:ops"), (listed.GetProperty("pausedReason").GetString(), listed.GetProperty("pausedBy").GetString()));
        Assert.Equal(JsonValueKind.String, listed.GetProperty("pausedAt").ValueKind);
        Assert.Contains("wuzhong_source_paused{source=\"robots\"} 1\n", await host.Http.GetStringAsync("/metrics"), StringComparison.Ordinal);

        using var resume = new HttpRequestMessage(HttpMethod.Post, "/api/sources/robots/resume");
        resume.Headers.Authorization = Credentials.Bearer(Credentials.AdminToken);
        using var resumed = await host.Http.SendAsync(resume);

        Assert.False((await resumed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paused").GetBoolean());
        Assert.Equal(new Dictionary<string, string> { ["robots"] = "0 2 * * *" }, host.RecurringCrons());
    }

    [Fact]
    public async Task FilePause_StaysVisibleWithReason_AndApiResumeDoesNotOverrideTheFile()
    {
        config.WriteSource("robots", Samples.RobotsSource + "\npaused: true\npausedReason: 部门停报\n");
        await using var host = await CollectorHost.StartAsync(config, settings: Credentials.Settings());
        await host.WaitForRecurringAsync(new Dictionary<string, string> { ["robots"] = HostHangfire.Never });

        using var resume = new HttpRequestMessage(HttpMethod.Post, "/api/sources/robots/resume");
        resume.Headers.Authorization = Credentials.Bearer(Credentials.AdminToken);
        var state = await (await host.Http.SendAsync(resume)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(state.GetProperty("paused").GetBoolean());
        Assert.Equal(("部门停报", "file"), (state.GetProperty("reason").GetString(), state.GetProperty("pausedBy").GetString()));
        Assert.Equal(new Dictionary<string, string> { ["robots"] = HostHangfire.Never }, host.RecurringCrons());

        config.WriteSource("robots", Samples.RobotsSource);
        await host.WaitForRecurringAsync(new Dictionary<string, string> { ["robots"] = "0 2 * * *" });
    }

    [Fact]
    public async Task RepeatedFailures_WarnAtM_AndPauseTheSourceAtN_WithTheReason()
    {
        await using var server = await LoopbackServer.StartAsync((_, context) => LoopbackServer.Json(context, "{}", 500));
        config.WriteSource("flaky", Samples.Http(server.BaseUrl + "/api/data"));
        var logs = new CapturedLogs();
        await using var host = await CollectorHost.StartAsync(config,
            settings: Samples.Fast(("Operations:FailureWarningAfter", "1"), ("Operations:AutoPauseAfter", "2")),
            configure: b => b.Logging.AddProvider(logs));
        await host.WaitForRecurringAsync(new Dictionary<string, string> { ["flaky"] = "0 * * * *" });

        var jobId = host.Trigger("flaky");
        (string? State, string? Reason) job;
        try
        {
            job = await host.WaitForJobAsync(jobId, "Failed");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException(ex.Message + "\n" + string.Join("\n", logs.Entries.Where(e => e.Level >= LogLevel.Warning).Select(e => e.Text)));
        }

        var (state, reason) = job;

        var runs = (await host.QueryAsync<(long Id, string Outcome)>("SELECT id, outcome FROM run ORDER BY id")).ToList();
        Assert.Equal(["failed-transient", "failed-transient"], runs.Select(r => r.Outcome));
        const string pausedReason = "paused automatically after 2 consecutive failed runs; last error: flaky: HTTP 500 (server error) after 1 call(s)";
        Assert.Equal("Failed", state);
        Assert.Equal($"{pausedReason} | run {runs[1].Id} failed-transient: GET {server.BaseUrl}/api/data | no retries | error: flaky: HTTP 500 (server error) after 1 call(s)", reason);
        var source = await host.QuerySingleAsync<(bool Paused, string Reason, string By)>("SELECT paused, paused_reason, paused_by FROM source WHERE id = 'flaky'");
        Assert.Equal((true, pausedReason, "auto"), source);
        Assert.Equal(new Dictionary<string, string> { ["flaky"] = HostHangfire.Never }, host.RecurringCrons());
        Assert.Equal(2, server.Calls);
        var metrics = await host.Http.GetStringAsync("/metrics");
        Assert.Contains("wuzhong_source_failure_alerts_total{source=\"flaky\",level=\"warning\"} 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("wuzhong_source_failure_alerts_total{source=\"flaky\",level=\"paused\"} 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("wuzhong_runs_total{source=\"flaky\",outcome=\"failed-transient\"} 2\n", metrics, StringComparison.Ordinal);
        Assert.Contains("wuzhong_source_consecutive_failures{source=\"flaky\"} 2\n", metrics, StringComparison.Ordinal);
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Text.StartsWith("Source flaky failed 1 times in a row; last error: flaky: HTTP 500", StringComparison.Ordinal));
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Error && e.Text.StartsWith("Source flaky paused itself after 2 consecutive failed runs", StringComparison.Ordinal));

        // Resuming restarts the count: the next failure warns again instead of pausing at once.
        await host.Services.GetRequiredService<WuzhongCollector.Service.Sources.SourcePauses>().ResumeAsync("flaky", "test", CancellationToken.None);
        Assert.Contains("wuzhong_source_consecutive_failures{source=\"flaky\"} 0\n", await host.Http.GetStringAsync("/metrics"), StringComparison.Ordinal);
        Assert.Equal(new Dictionary<string, string> { ["flaky"] = "0 * * * *" }, host.RecurringCrons());
    }
}
