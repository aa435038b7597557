using System.Diagnostics;

namespace WuzhongCollector.Service.Tests.ScaleOut;

/// <summary>Two service instances on one database, as the README's scale-out section describes.</summary>
public sealed class TwoInstancesTests : IDisposable
{
    private readonly TestConfig config = new();

    public void Dispose() => config.Dispose();

    [Fact]
    public async Task TwoInstances_SourceDueEveryTwoSeconds_EachOccurrenceRunsOnce()
    {
        config.WriteSource("robots", """
            name: test csv, due every 2 seconds
            kind: csv
            schedule: { cron: "*/2 * * * * *", timeZone: UTC }
            file: { path: exports/robots.csv }
            mapping:
              indicator: { from: 指标名称, codes: { 推广应用工业机器人: INDUSTRIAL_ROBOTS_DEPLOYED } }
              period: 期别
              value: 数值
            """);
        config.WriteFile("exports/robots.csv", "指标名称,期别,数值\n推广应用工业机器人,2021年,310\n推广应用工业机器人,2022年,655\n");
        var connectionString = await TestServer.CreateDatabaseAsync("scaleout");
        var settings = new Dictionary<string, string?> { ["Collector:WorkerCount"] = "4" };
        await using var first = await CollectorHost.StartAsync(config, connectionString, settings);
        await using var second = await CollectorHost.StartAsync(config, connectionString, settings);

        // Four occurrences take about eight seconds. On a loaded machine the scheduler can fall behind and,
        // with relaxed misfire handling, skip occurrences; the deadline only bounds a broken scheduler.
        var deadline = Stopwatch.StartNew();
        while (await first.ScalarAsync<long>("SELECT count(*) FROM run WHERE finished_at IS NOT NULL") < 4 && deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(200);
        }

        var servers = await first.ScalarAsync<long>("SELECT count(*) FROM hangfire.server");
        var perOccurrence = (await first.QueryAsync<(string Occurrence, long Runs, long Jobs)>("""
            SELECT p.value, count(*), count(DISTINCT r.job_id)
            FROM run r JOIN hangfire.jobparameter p ON p.jobid = r.job_id::bigint AND p.name = 'Time'
            WHERE r.finished_at IS NOT NULL
            GROUP BY p.value ORDER BY p.value
            """)).ToList();
        var outcomes = await first.QueryAsync<string>("SELECT DISTINCT outcome FROM run WHERE finished_at IS NOT NULL ORDER BY 1");

        Assert.Equal(2, servers);
        Assert.True(perOccurrence.Count >= 4, $"{perOccurrence.Count} occurrences ran in 60 s: {string.Join(", ", perOccurrence)}");
        Assert.All(perOccurrence, o => Assert.Equal((1L, 1L), (o.Runs, o.Jobs)));
        // An occurrence due while the previous one still runs (a slow, loaded machine) records a skipped run:
        // still one run for that occurrence, which the line above checks; never a second run of one occurrence.
        Assert.Contains("succeeded", outcomes);
        Assert.Empty(outcomes.Except(["succeeded", "unchanged", "skipped"]));
        Assert.Equal(2, await first.ScalarAsync<long>("SELECT count(*) FROM observation"));
    }
}
