using Microsoft.Extensions.Logging.Abstractions;
using WuzhongCollector.Service.Database;

namespace WuzhongCollector.Service.Tests.Reliability;

/// <summary>
/// The per-source run lock: a row of source_lock held FOR UPDATE by a run's own session, so it dies with a crashed
/// holder, and only the service's role can take it.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class SourceLockTests : IDisposable
{
    /// <summary>How many sources' run locks some session holds now.</summary>
    public const string HeldRunLocksSql = "SELECT (SELECT count(*) FROM source_lock) - (SELECT count(*) FROM (SELECT FROM source_lock FOR UPDATE SKIP LOCKED) free)";

    private const string Source = """
        kind: csv
        schedule: { cron: "0 2 * * *" }
        file: { path: exports/a.csv }
        mapping: { indicator: { const: STAR_CLOUD_ENTERPRISES }, period: 期别, value: 数值 }
        """;

    private readonly TestConfig config = new();

    public void Dispose() => config.Dispose();

    [Fact]
    public async Task Collect_WhileAnotherSessionHoldsTheLock_IsSkipped_AndRunsOnceThatHolderDies()
    {
        config.WriteFile("exports/a.csv", "指标名称,期别,数值\n星级上云企业,2022年,188\n");
        config.WriteSource("star-cloud", Source);
        await using var host = await CollectorHost.StartAsync(config);
        var holder = new NpgsqlConnection(host.ConnectionString + ";Pooling=false");
        await holder.OpenAsync();
        await holder.ExecuteAsync("INSERT INTO source_lock VALUES ('star-cloud')");
        // The holder's own run record, as a live run of another instance leaves it.
        var holderRun = await holder.ExecuteScalarAsync<long>("""
            INSERT INTO run (source_id, started_at, config_hash, session_pid, session_started)
            SELECT 'star-cloud', now(), 'holder', pid, backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid() RETURNING id
            """);
        await holder.ExecuteAsync("BEGIN; SELECT FROM source_lock WHERE source_id = 'star-cloud' FOR UPDATE");

        var blocked = await host.CollectAsync("star-cloud");
        var holderRunWhileHeld = await host.ScalarAsync<string>("SELECT outcome FROM run WHERE id = @holderRun", new { holderRun });
        // The holder "crashes": its backend is ended without it unlocking, as when its process is killed.
        await host.ScalarAsync<bool>("SELECT pg_terminate_backend(@pid)", new { pid = holder.ProcessID });
        await Eventually.TrueAsync(async () => await host.ScalarAsync<long>(HeldRunLocksSql) == 0, seconds: 10);
        var next = await host.CollectAsync("star-cloud");
        await holder.DisposeAsync();

        Assert.Equal(("skipped", "another run of this source is in progress"), (blocked.Outcome, blocked.Error));
        // A skipped run leaves the live holder's run alone; the next run that takes the lock marks it abandoned.
        Assert.Equal("running", holderRunWhileHeld);
        Assert.Equal("abandoned", await host.ScalarAsync<string>("SELECT outcome FROM run WHERE id = @holderRun", new { holderRun }));
        Assert.Equal("succeeded", next.Outcome);
        Assert.Equal(1, next.Counts!.Stored);
    }

    /// <summary>
    /// The attack: an analyst, signed in with the read-only role's own password, holds the advisory keys the service
    /// used to lock on (a source's, the progress snapshot's, the schema migrator's), which silently stopped the
    /// source, would hold every run's commit, and every start-up. None of them stops anything now, and the run lock
    /// itself is out of the role's reach, even with read-only turned off.
    /// </summary>
    [Fact]
    public async Task AnalystRole_HoldingTheOldAdvisoryKeys_StopsNothing_AndCannotTakeTheRunLock()
    {
        config.WriteFile("exports/a.csv", "指标名称,期别,数值\n星级上云企业,2022年,188\n");
        config.WriteSource("star-cloud", Source);
        await using var host = await CollectorHost.StartAsync(config);
        await using var analyst = new NpgsqlConnection(await TestServer.AnalystConnectionStringAsync(host.ConnectionString));
        await analyst.OpenAsync();
        Assert.Equal("wuzhong_analyst", await analyst.ExecuteScalarAsync<string>("SELECT current_user"));
        await analyst.ExecuteAsync("SELECT pg_advisory_lock(hashtext('source:star-cloud')), pg_advisory_lock(hashtext('progress_snapshot')), pg_advisory_lock(24617491572420199)");
        await analyst.ExecuteAsync("SET default_transaction_read_only = off");

        var forUpdate = await Assert.ThrowsAsync<PostgresException>(() => analyst.ExecuteAsync("SELECT FROM source_lock WHERE source_id = 'star-cloud' FOR UPDATE"));
        var lockTable = await Assert.ThrowsAsync<PostgresException>(() => analyst.ExecuteAsync("BEGIN; LOCK TABLE source_lock IN ACCESS EXCLUSIVE MODE"));
        await analyst.ExecuteAsync("ROLLBACK");
        var run = await host.CollectAsync("star-cloud").WaitAsync(TimeSpan.FromMinutes(2));
        // As a second instance starting on the same database does.
        await using var dataSource = NpgsqlDataSource.Create(host.ConnectionString);
        await SchemaMigrator.MigrateAsync(dataSource, NullLogger.Instance, CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(("42501", "42501"), (forUpdate.SqlState, lockTable.SqlState));
        Assert.Equal(("succeeded", 1), (run.Outcome, run.Counts!.Stored));
        Assert.True(await host.ScalarAsync<long>("SELECT count(*) FROM progress_snapshot") > 0, "the progress snapshot was written in the run");
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
