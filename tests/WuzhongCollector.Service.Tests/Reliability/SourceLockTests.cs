namespace WuzhongCollector.Service.Tests.Reliability;

/// <summary>The per-source advisory lock: held by a run's own session, so it dies with a crashed holder.</summary>
[Trait("Category", "Reliability")]
public sealed class SourceLockTests : IDisposable
{
    private readonly TestConfig config = new();

    public void Dispose() => config.Dispose();

    [Fact]
    public async Task Collect_WhileAnotherSessionHoldsTheLock_IsSkipped_AndRunsOnceThatHolderDies()
    {
        config.WriteFile("exports/a.csv", "指标名称,期别,数值\n星级上云企业,2022年,188\n");
        config.WriteSource("star-cloud", """
            kind: csv
            schedule: { cron: "0 2 * * *" }
            file: { path: exports/a.csv }
            mapping: { indicator: { const: STAR_CLOUD_ENTERPRISES }, period: 期别, value: 数值 }
            """);
        await using var host = await CollectorHost.StartAsync(config);
        var holder = new NpgsqlConnection(host.ConnectionString + ";Pooling=false");
        await holder.OpenAsync();
        await holder.ExecuteAsync("SELECT pg_advisory_lock(hashtext('source:star-cloud'))");

        var blocked = await host.CollectAsync("star-cloud");
        // The holder "crashes": its backend is ended without it unlocking, as when its process is killed.
        await host.ScalarAsync<bool>("SELECT pg_terminate_backend(@pid)", new { pid = holder.ProcessID });
        await Eventually.TrueAsync(async () => await host.ScalarAsync<long>("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'") == 0, seconds: 10);
        var next = await host.CollectAsync("star-cloud");
        await holder.DisposeAsync();

        Assert.Equal(("skipped", "another run of this source is in progress"), (blocked.Outcome, blocked.Error));
        Assert.Equal("succeeded", next.Outcome);
        Assert.Equal(1, next.Counts!.Stored);
    }

    [Fact]
    public async Task Start_HangfireLockLeftByAKilledInstance_WaitsForItToExpire_InsteadOfStopping()
    {
        config.WriteFile("exports/a.csv", "指标名称,期别,数值\n星级上云企业,2022年,188\n");
        config.WriteSource("star-cloud", """
            kind: csv
            schedule: { cron: "*/2 * * * * *" }
            file: { path: exports/a.csv }
            mapping: { indicator: { const: STAR_CLOUD_ENTERPRISES }, period: 期别, value: 数值 }
            """);
        var database = await TestDatabase.CreateAsync("hflock");
        await using (await CollectorHost.StartAsync(config, database.ConnectionString))
        {
            await Eventually.TrueAsync(async () => await database.ScalarAsync<long>("SELECT count(*) FROM run") > 0);
        }

        // As if an instance was killed 40 s ago while scheduling this source: its lock row stays until it is a minute old.
        await database.ExecuteAsync("""
            DELETE FROM hangfire.lock;
            INSERT INTO hangfire.lock (resource, updatecount, acquired) VALUES ('hangfire:lock:recurring-job:star-cloud', 0, now() - interval '40 seconds');
            """);
        var runsBefore = await database.ScalarAsync<long>("SELECT count(*) FROM run");
        await using var host = await CollectorHost.StartAsync(config, database.ConnectionString);

        await Eventually.TrueAsync(async () => await database.ScalarAsync<long>("SELECT count(*) FROM run") > runsBefore + 2, seconds: 120);

        Assert.False(host.App.Lifetime.ApplicationStopping.IsCancellationRequested, "the service stopped instead of waiting for the lock");
        Assert.Equal(0, await database.ScalarAsync<long>("SELECT count(*) FROM hangfire.lock WHERE acquired < now() - interval '1 minute'"));
    }
}
