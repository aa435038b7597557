using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WuzhongCollector.Service.Retention;

namespace WuzhongCollector.Service.Tests.Reliability;

/// <summary>History expires on its settings; observations never do.</summary>
[Trait("Category", "Reliability")]
public sealed class RetentionTests : IDisposable
{
    private const string Source = """
        kind: csv
        schedule: { cron: "0 2 * * *" }
        file: { path: exports/robots.csv }
        mapping:
          indicator: { from: 指标名称, codes: { 推广应用工业机器人: INDUSTRIAL_ROBOTS_DEPLOYED } }
          period: 期别
          value: 数值
        """;

    private readonly TestConfig config = new();

    public void Dispose() => config.Dispose();

    [Fact]
    public async Task Cleanup_ExpiresOldRunsRejectsAndPayloadBytes_AndNeverObservationsOrTheirProvenance()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2023, 1, 10, 2, 0, 0, TimeSpan.Zero));
        config.WriteSource("robots", Source);
        config.WriteFile("exports/robots.csv", "指标名称,期别,数值\n推广应用工业机器人,2021年,310\n推广应用工业机器人,明年,1\n");
        await using var host = await CollectorHost.StartAsync(config, settings: new Dictionary<string, string?>
        {
            ["Collector:Retention:RunLog"] = "180.00:00:00",
            ["Collector:Retention:PayloadContent"] = "365.00:00:00",
        }, timeProvider: time);

        var partial = await host.CollectAsync("robots");                          // stores 2021 and one reject
        time.Advance(TimeSpan.FromDays(1));
        var unchanged = await host.CollectAsync("robots");                        // stores nothing
        time.Advance(TimeSpan.FromDays(1));
        config.WriteFile("exports/robots.csv", "指标名称,期别,数值\n推广应用工业机器人,2021年,320\n推广应用工业机器人,2022年,655\n");
        var revision = await host.CollectAsync("robots");                         // a new vintage of 2021, and 2022
        time.Advance(TimeSpan.FromDays(1));
        config.WriteFile("exports/robots.csv", "");
        await Assert.ThrowsAsync<PermanentSourceException>(() => host.CollectAsync("robots"));
        var observationsBefore = await ObservationsAsync(host);

        time.Advance(TimeSpan.FromDays(400));
        await Assert.ThrowsAsync<PermanentSourceException>(() => host.CollectAsync("robots")); // a failed run today, inside the window
        var recentId = await host.ScalarAsync<long>("SELECT max(id) FROM run");
        var summary = await CleanupThroughHangfireAsync(host);

        Assert.Equal(("partial", "unchanged", "succeeded"), (partial.Outcome, unchanged.Outcome, revision.Outcome));
        // Gone: the unchanged run and the old failed one. Kept: runs that stored a vintage, and today's.
        Assert.Equal(new RetentionSummary(RunsDeleted: 2, RejectsDeleted: 1, PayloadsEmptied: 1), summary);
        Assert.Equal([partial.RunId, revision.RunId, recentId], await host.QueryAsync<long>("SELECT id FROM run ORDER BY id"));
        Assert.Equal(0, await host.ScalarAsync<long>("SELECT count(*) FROM reject"));
        Assert.Equal(observationsBefore, await ObservationsAsync(host));
        var payloads = await host.QueryAsync<(long Size, bool HasContent)>("SELECT size_bytes, archive IS NOT NULL FROM payload ORDER BY fetched_at");
        Assert.Equal([false, true], payloads.Select(p => p.HasContent));
        Assert.All(payloads, p => Assert.True(p.Size > 0));
    }

    [Fact]
    public async Task JobHistory_SucceededJobsExpireOnTheSetting_ObservationsStay()
    {
        config.WriteSource("robots", Source);
        config.WriteFile("exports/robots.csv", "指标名称,期别,数值\n推广应用工业机器人,2021年,310\n");
        await using var host = await CollectorHost.StartAsync(config, settings: new Dictionary<string, string?>
        {
            ["Collector:Retention:JobHistory"] = "2.00:00:00",
            ["Collector:Retention:ExpirationCheckInterval"] = "00:00:01",
        });
        await Eventually.TrueAsync(async () => await host.ScalarAsync<long>("SELECT count(*) FROM source") == 1);

        host.Services.GetRequiredService<IRecurringJobManager>().Trigger("robots");
        var job = await Eventually.Async(async () => (await host.QueryAsync<(long Id, DateTime ExpireAt, DateTime SucceededAt)>("""
            SELECT j.id, j.expireat, s.createdat FROM hangfire.job j JOIN hangfire.state s ON s.id = j.stateid
            WHERE j.statename = 'Succeeded' AND j.expireat IS NOT NULL
            """)).FirstOrDefault() is { Id: > 0 } found ? new[] { found } : null);
        var kept = job[0].ExpireAt - job[0].SucceededAt;
        // Back-date the expiry instead of waiting two days; Hangfire's own expiration manager deletes it.
        await host.ScalarAsync<int>("UPDATE hangfire.job SET expireat = now() - interval '1 minute' WHERE id = @Id", new { job[0].Id });
        await Eventually.TrueAsync(async () => await host.ScalarAsync<long>("SELECT count(*) FROM hangfire.job WHERE id = @Id", new { job[0].Id }) == 0, seconds: 30);
        using var storage = host.Services.GetRequiredService<JobStorage>().GetConnection();
        var cleanup = storage.GetRecurringJobs().SingleOrDefault(j => j.Id == RetentionCleanupJob.RecurringJobId);

        Assert.InRange(kept, TimeSpan.FromDays(2) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(2) + TimeSpan.FromMinutes(1));
        Assert.Equal(1, await host.ScalarAsync<long>("SELECT count(*) FROM observation"));
        Assert.Equal(1, await host.ScalarAsync<long>("SELECT count(*) FROM run"));
        Assert.Equal(("30 3 * * *", null), (cleanup?.Cron, cleanup?.Error));
    }

    private static async Task<RetentionSummary> CleanupThroughHangfireAsync(CollectorHost host)
    {
        host.Services.GetRequiredService<IRecurringJobManager>().Trigger(RetentionCleanupJob.RecurringJobId);
        await Eventually.TrueAsync(async () => await host.ScalarAsync<long>("""
            SELECT count(*) FROM hangfire.job j JOIN hangfire.jobparameter p ON p.jobid = j.id AND p.name = 'RecurringJobId'
            WHERE p.value = @id AND j.statename = 'Succeeded'
            """, new { id = $"\"{RetentionCleanupJob.RecurringJobId}\"" }) == 1);
        var result = await host.ScalarAsync<string>("""
            SELECT s.data->>'Result' FROM hangfire.job j JOIN hangfire.state s ON s.id = j.stateid
            JOIN hangfire.jobparameter p ON p.jobid = j.id AND p.name = 'RecurringJobId' WHERE p.value = @id
            """, new { id = $"\"{RetentionCleanupJob.RecurringJobId}\"" });
        return System.Text.Json.JsonSerializer.Deserialize<RetentionSummary>(result)!;
    }

    private static async Task<List<string>> ObservationsAsync(CollectorHost host) =>
        (await host.QueryAsync<string>("SELECT concat_ws('|', indicator_code, period, vintage, value, run_id, payload_sha256) FROM observation ORDER BY 1")).ToList();
}
