using System.Text.Json;
using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace WuzhongCollector.Service.Tests.Demo;

/// <summary>What a newcomer sees on first run: the bundled config, Development, no set-up.</summary>
public sealed class DemoTests
{
    [Fact]
    public async Task FirstRun_DemoSourcesRun_AndTheFlakyOneShowsItsTransientFailureAndRetry()
    {
        using var config = new TestConfig();
        var configDirectory = Path.Combine(TestConfig.RepoRoot(), "config");
        await using var host = await CollectorHost.StartAsync(
            config,
            settings: new Dictionary<string, string?>
            {
                ["Collector:ConfigDirectory"] = configDirectory,
                ["Collector:TriggerNewSourcesOnStart"] = "true",
                // As in appsettings.Development.json, the first retry comes after the demo source's 5 s circuit break.
                ["Collector:RetryDelaysSeconds:0"] = "6",
            },
            environment: "Development");

        List<JsonElement> runs;
        try
        {
            runs = await Eventually.Async(async () =>
            {
                // The runs of the job triggered at start: the source's cron (minute 30) may add a job of its own
                // when the test runs at half past, and that one is skipped while the first holds the source.
                var list = (await host.Http.GetFromJsonAsync<List<JsonElement>>("/api/runs?source=txb-5g-base-stations-api"))!;
                var firstJobId = list.OrderBy(r => r.GetProperty("id").GetInt64()).Select(r => r.GetProperty("jobId").GetString()).FirstOrDefault();
                var firstJob = list.Where(r => r.GetProperty("jobId").GetString() == firstJobId).ToList();
                return firstJob.Any(r => r.GetProperty("outcome").GetString() == "succeeded") ? firstJob : null;
            }, seconds: 90);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}; {await new TestDatabase(host.ConnectionString).DescribeAsync()}", ex);
        }
        using var storage = host.Services.GetRequiredService<JobStorage>().GetConnection();
        var jobIds = storage.GetRecurringJobs().Select(j => j.Id).Where(id => !id.StartsWith(RecurringJobSync.SystemJobPrefix, StringComparison.Ordinal)).Order().ToList();
        var sourceFiles = Directory.GetFiles(Path.Combine(configDirectory, "sources"), "*.yaml").Select(f => Path.GetFileNameWithoutExtension(f)!).Order().ToList();
        var stations = await host.Http.GetFromJsonAsync<SeriesDto>("/api/series/BASE_STATIONS_5G");
        var valueAdded = await host.Http.GetFromJsonAsync<SeriesDto>("/api/series/DE_CORE_VALUE_ADDED");
        var dashboard = await host.Http.GetAsync("/hangfire");

        Assert.Equal(System.Net.HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Equal(sourceFiles, jobIds);
        Assert.Equal(["succeeded", "failed-transient"], runs.Select(r => r.GetProperty("outcome").GetString()));
        Assert.Equal([2, 1], runs.Select(r => r.GetProperty("attempt").GetInt32()));
        Assert.Equal([("2021", 3120m), ("2022", 4215m), ("2023-09", 4630m)], stations!.Points.Select(p => (p.Period, p.Value)));
        // The annual series; the department-export demo sources add monthly and year-to-date points beside it.
        Assert.Equal([330.5m, 389.2m, 448.5m, 520.0m], valueAdded!.Points.Where(p => p.PeriodType == "year").Select(p => p.Value));
        Assert.Equal(
            [("2021-09", 47.1m), ("2021-01..2021-09", 401.2m), ("2022-09", 52.3m), ("2022-01..2022-09", 448.5m), ("2023-Q1", 125m), ("2023-01..2023-06", 256m), ("2023-01..2023-09", 385.6m)],
            valueAdded.Points.Where(p => p.PeriodType != "year").Select(p => (p.Period, p.Value)));
    }
}
