using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace WuzhongCollector.Service.Tests.Reliability;

/// <summary>
/// Three service instances on one database, started together against an empty schema, with many sources
/// on a cron of a few seconds and one slow source whose runs outlast its interval.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class ScaleOutTests(ITestOutputHelper output) : IDisposable
{
    private const int FastSources = 12;
    private readonly TestConfig config = new();

    public void Dispose() => config.Dispose();

    [Fact]
    public async Task ThreeInstances_ManySourcesOnAFastCron_EachOccurrenceRunsOnce_AndRunsOfOneSourceNeverOverlap()
    {
        for (var i = 0; i < FastSources; i++)
        {
            config.WriteFile($"exports/s{i:00}.csv", $"指标名称,期别,数值\n星级上云企业,2022年,{100 + i}\n星级上云企业,2023年,{200 + i}\n");
            config.WriteSource($"fast-{i:00}", $$"""
                kind: csv
                schedule: { cron: "*/4 * * * * *" }
                file: { path: exports/s{{i:00}}.csv }
                mapping:
                  indicator: { from: 指标名称, codes: { 星级上云企业: STAR_CLOUD_ENTERPRISES } }
                  area: { const: "A{{i:00}}" }
                  period: 期别
                  value: 数值
                """);
        }

        await using var slowEndpoint = await LoopbackServer.StartAsync(async (_, c) =>
        {
            await Task.Delay(2_500);
            await LoopbackServer.Json(c, """{"data":[{"period":"2022年","value":3120}]}""");
        });
        config.WriteSource("slow", $$"""
            kind: http-json
            schedule: { cron: "*/2 * * * * *" }
            http:
              url: "{{slowEndpoint.BaseUrl}}/slow"
              records: data
              resilience: { attemptTimeoutSeconds: 10, totalTimeoutSeconds: 20, maxRetries: 0 }
            mapping: { indicator: { const: BASE_STATIONS_5G }, period: period, value: value }
            """);

        var database = await TestDatabase.CreateAsync("scaleout");
        var settings = new Dictionary<string, string?> { ["Collector:WorkerCount"] = "3" };
        var hosts = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => CollectorHost.StartAsync(config, database.ConnectionString, settings)));
        try
        {
            await Eventually.TrueAsync(async () => await database.ScalarAsync<long>(
                "SELECT count(DISTINCT source_id) FROM run WHERE outcome IN ('succeeded', 'unchanged')") == FastSources + 1, seconds: 60);
            await Task.Delay(TimeSpan.FromSeconds(10));
            var recurring = hosts[0].Services.GetRequiredService<IRecurringJobManager>();
            foreach (var id in config.SourceIds())
            {
                recurring.RemoveIfExists(id);
            }

            await Eventually.TrueAsync(async () =>
                await database.ScalarAsync<long>("SELECT count(*) FROM hangfire.jobqueue") == 0
                && await database.ScalarAsync<long>("SELECT count(*) FROM run WHERE outcome = 'running'") == 0, seconds: 60);
        }
        finally
        {
            await Task.WhenAll(hosts.Select(h => h.DisposeAsync().AsTask()));
        }

        // Started together against an empty database: each schema script applied once, no start failed.
        var scripts = typeof(WuzhongCollector.Service.Database.SchemaMigrator).Assembly.GetManifestResourceNames().Count(n => n.EndsWith(".sql", StringComparison.Ordinal));
        Assert.Equal(scripts, await database.ScalarAsync<long>("SELECT count(*) FROM schema_script"));

        // Exactly one enqueue per source per occurrence, across the three schedulers.
        var occurrences = await database.QueryAsync<(string Source, string Time, long Jobs)>("""
            SELECT r.value, t.value, count(*)
            FROM hangfire.jobparameter r JOIN hangfire.jobparameter t ON t.jobid = r.jobid AND t.name = 'Time'
            WHERE r.name = 'RecurringJobId'
            GROUP BY r.value, t.value
            """);
        Assert.All(occurrences, o => Assert.Equal(1, o.Jobs));

        // Each occurrence's job ran exactly once: one run record per job, none left without.
        var runsPerJob = await database.QueryAsync<(string JobId, long Runs)>("""
            SELECT j.id::text, (SELECT count(*) FROM run WHERE run.job_id = j.id::text)
            FROM hangfire.job j
            """);
        var repeated = await database.QueryAsync<string>("""
            SELECT job_id || ': ' || string_agg(id || ' attempt ' || attempt || ' ' || outcome || ' ' || started_at || '..' || coalesce(finished_at::text, '') || ' ' || coalesce(error, ''), ' | ' ORDER BY id)
            FROM run WHERE job_id IS NOT NULL GROUP BY job_id HAVING count(*) > 1
            """);
        Assert.True(repeated.Count == 0, "jobs with more than one run: " + string.Join("\n", repeated));
        Assert.All(runsPerJob, j => Assert.Equal(1, j.Runs));
        Assert.Equal(occurrences.Count, runsPerJob.Count);

        // Two runs of one source never overlap in time; a run that found its source busy was skipped.
        var overlaps = await database.ScalarAsync<long>("""
            SELECT count(*) FROM run a JOIN run b ON a.source_id = b.source_id AND a.id < b.id
            WHERE a.outcome <> 'skipped' AND b.outcome <> 'skipped'
              AND tstzrange(a.started_at, a.finished_at) && tstzrange(b.started_at, b.finished_at)
            """);
        var perSource = await database.QueryAsync<(string Source, long Runs, long Skipped)>(
            "SELECT source_id, count(*) FILTER (WHERE outcome <> 'skipped'), count(*) FILTER (WHERE outcome = 'skipped') FROM run GROUP BY source_id ORDER BY source_id");
        var servers = await database.ScalarAsync<long>(
            "SELECT count(DISTINCT data->>'ServerId') FROM hangfire.state WHERE name = 'Processing'");
        output.WriteLine($"{occurrences.Count} occurrences, {runsPerJob.Count} jobs, processed by {servers} servers; per source (runs, skipped): "
            + string.Join(", ", perSource.Select(s => $"{s.Source} {s.Runs}/{s.Skipped}")));

        Assert.Equal(0, overlaps);
        Assert.Equal(FastSources + 1, perSource.Count);
        Assert.All(perSource.Where(s => s.Source != "slow"), s => Assert.True(s.Runs >= 2, $"{s.Source} ran {s.Runs} times"));
        Assert.True(perSource.Single(s => s.Source == "slow").Skipped > 0, "the slow source's occurrences never met a run in progress");
        Assert.True(servers >= 2, $"only {servers} server(s) processed jobs");
        Assert.Equal(FastSources * 2, await database.ScalarAsync<long>("SELECT count(*) FROM observation WHERE indicator_code = 'STAR_CLOUD_ENTERPRISES'"));
        Assert.Equal(1, await database.ScalarAsync<long>("SELECT count(*) FROM observation WHERE indicator_code = 'BASE_STATIONS_5G'"));
    }
}
