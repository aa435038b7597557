using Microsoft.Extensions.Logging;
using System.Text.Json;

namespace WuzhongCollector.Service.Tests.Sources;

public sealed class HotReloadTests : IDisposable
{
    private readonly TestConfig config = new();

    public HotReloadTests() => config.WriteFile("exports/robots.csv", Samples.RobotsCsv);

    public void Dispose() => config.Dispose();

    [Fact]
    public async Task Watcher_FileAddedEditedRemoved_UpdatesRecurringJobsWithoutRestart()
    {
        config.WriteSource("robots", Samples.RobotsSource);
        await using var host = await CollectorHost.StartAsync(config, settings: Samples.Fast());
        await host.WaitForRecurringAsync(new Dictionary<string, string> { ["robots"] = "0 2 * * *" });

        config.WriteSource("robots-monthly", Samples.RobotsSource.Replace("0 2 * * *", "0 3 1 * *", StringComparison.Ordinal));
        await host.WaitForRecurringAsync(new Dictionary<string, string> { ["robots"] = "0 2 * * *", ["robots-monthly"] = "0 3 1 * *" });

        config.WriteSource("robots", Samples.RobotsSource.Replace("0 2 * * *", "15 2 * * *", StringComparison.Ordinal));
        await host.WaitForRecurringAsync(new Dictionary<string, string> { ["robots"] = "15 2 * * *", ["robots-monthly"] = "0 3 1 * *" });

        File.Delete(Path.Combine(config.Sources, "robots-monthly.yaml"));
        await host.WaitForRecurringAsync(new Dictionary<string, string> { ["robots"] = "15 2 * * *" });
        Assert.NotNull(await host.ScalarAsync<DateTime?>("SELECT removed_at FROM source WHERE id = 'robots-monthly'"));
    }

    /// <summary>Issue 12: a job deleted on the dashboard stayed deleted while /api/sources showed its source scheduled.</summary>
    [Fact]
    public async Task RecurringJob_DeletedOnTheDashboard_IsRestoredWithinAPollInterval_AndTheLogSaysSo()
    {
        var logs = new CapturedLogs();
        config.WriteSource("robots", Samples.RobotsSource);
        await using var host = await CollectorHost.StartAsync(config, settings: Samples.Fast(("Operations:ReloadPollInterval", "00:00:00.500")),
            configure: b => b.Logging.AddProvider(logs));
        var robots = new Dictionary<string, string> { ["robots"] = "0 2 * * *" };
        await host.WaitForRecurringAsync(robots);
        using var browser = new DashboardBrowser();
        await browser.OpenAsync(host.BaseUrl + "/hangfire/recurring");

        Assert.Equal(System.Net.HttpStatusCode.NoContent, await browser.PostAsync(host.BaseUrl + "/hangfire/recurring/remove", "robots"));

        await host.WaitForRecurringAsync(robots, TimeSpan.FromSeconds(30));
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning
            && e.Text.StartsWith("Recurring job robots was removed outside the service", StringComparison.Ordinal));
        Assert.Null(await host.ScalarAsync<DateTime?>("SELECT removed_at FROM source WHERE id = 'robots'"));
    }

    [Fact]
    public async Task Watcher_InvalidEdit_KeepsPreviousVersionScheduled_AndReportsInLogApiAndMetric()
    {
        var logs = new CapturedLogs();
        config.WriteSource("robots", Samples.RobotsSource);
        await using var host = await CollectorHost.StartAsync(config, settings: Samples.Fast(), configure: b => b.Logging.AddProvider(logs));
        await host.WaitForRecurringAsync(new Dictionary<string, string> { ["robots"] = "0 2 * * *" });

        config.WriteSource("robots", Samples.RobotsSource
            .Replace("0 2 * * *", "0 25 * * *", StringComparison.Ordinal)
            .Replace("  value: 数值", "  value: 数值\n  valeu: 数值", StringComparison.Ordinal));
        var errors = await Eventually.WaitAsync(() => host.Http.GetFromJsonAsync<List<ConfigErrorDto>>("/api/config/errors"), e => e!.Count > 0, "the config error");

        Assert.Equal(
            [
                new ConfigErrorDto("robots", "robots.yaml", 4, "schedule.cron", "'0 25 * * *' is not a valid cron expression (5 fields, or 6 with seconds)", true),
                new ConfigErrorDto("robots", "robots.yaml", 10, "mapping.valeu", "unknown field (allowed: indicator, area, period, value, values, unit, status, percentAsFraction, columns, indicators, skip)", true),
            ],
            errors);
        Assert.Equal(new Dictionary<string, string> { ["robots"] = "0 2 * * *" }, host.RecurringCrons());
        // /api/config/errors shows the reload at once; /api/sources once the sync has stored it.
        var sources = await Eventually.WaitAsync(() => host.Http.GetFromJsonAsync<JsonElement>("/api/sources"), s => s[0].GetProperty("configErrors").GetArrayLength() > 0, "stored config errors");
        Assert.Equal(
            ["robots.yaml:4: schedule.cron: '0 25 * * *' is not a valid cron expression (5 fields, or 6 with seconds)",
             "robots.yaml:10: mapping.valeu: unknown field (allowed: indicator, area, period, value, values, unit, status, percentAsFraction, columns, indicators, skip)"],
            sources[0].GetProperty("configErrors").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("wuzhong_source_config_errors{source=\"robots\"} 2\n", await host.Http.GetStringAsync("/metrics"), StringComparison.Ordinal);
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Error && e.Text.StartsWith("Config error in robots.yaml line 4, schedule.cron: '0 25 * * *' is not a valid cron", StringComparison.Ordinal));
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Text.StartsWith("Source robots: its file has errors; the last valid version stays scheduled", StringComparison.Ordinal));

        // The kept version still runs.
        Assert.Equal("partial", (await host.CollectAsync("robots")).Outcome);

        config.WriteSource("robots", Samples.RobotsSource.Replace("0 2 * * *", "0 4 * * *", StringComparison.Ordinal));
        await host.WaitForRecurringAsync(new Dictionary<string, string> { ["robots"] = "0 4 * * *" });
        Assert.Empty((await host.Http.GetFromJsonAsync<List<ConfigErrorDto>>("/api/config/errors"))!);
        Assert.Contains("wuzhong_config_reloads_total{result=\"errors\"} 1\n", await host.Http.GetStringAsync("/metrics"), StringComparison.Ordinal);
    }

    public sealed record ConfigErrorDto(string Source, string File, int Line, string Field, string Message, bool KeptPrevious);
}
