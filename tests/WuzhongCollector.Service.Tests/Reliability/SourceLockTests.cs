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
}
