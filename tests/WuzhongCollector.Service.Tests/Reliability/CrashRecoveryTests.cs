using Microsoft.Extensions.DependencyInjection;

namespace WuzhongCollector.Service.Tests.Reliability;

/// <summary>
/// The rule behind "abandoned" on real sessions: a running run whose database session has ended reads abandoned
/// at the next check, one whose session lives on stays running. (ProcessKillTests covers the requeue after kill -9.)
/// </summary>
public sealed class CrashRecoveryTests : IDisposable
{
    private readonly TestConfig config = new();

    public void Dispose() => config.Dispose();

    [Fact]
    public async Task RunWhoseSessionEnded_ReadsAbandoned_ARunWithALiveSessionStaysRunning()
    {
        await using var host = await CollectorHost.StartAsync(config);
        var unpooled = new NpgsqlConnectionStringBuilder(host.ConnectionString) { Pooling = false }.ConnectionString;
        await using var live = new NpgsqlConnection(unpooled);
        await live.OpenAsync();
        var liveRun = await StartRunAsync(live, "alive");
        long deadRun;
        await using (var dead = new NpgsqlConnection(unpooled))
        {
            await dead.OpenAsync();
            deadRun = await StartRunAsync(dead, "killed");
        }

        var recovery = host.Services.GetRequiredService<CrashRecovery>();
        await Eventually.TrueAsync(async () =>
        {
            await recovery.RecoverAsync(CancellationToken.None);
            return await OutcomeAsync(host, deadRun) == "abandoned";
        }, seconds: 20);

        Assert.Equal("running", await OutcomeAsync(host, liveRun));
        Assert.Contains("process was killed", await host.ScalarAsync<string>("SELECT error FROM run WHERE id = @deadRun", new { deadRun }));
    }

    /// <summary>A run row as CollectSourceJob writes it at start, on the given session.</summary>
    private static Task<long> StartRunAsync(NpgsqlConnection session, string sourceId) => session.ExecuteScalarAsync<long>("""
        INSERT INTO run (source_id, started_at, config_hash, session_pid, session_started)
        VALUES (@sourceId, now(), 'h', pg_backend_pid(), (SELECT backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()))
        RETURNING id
        """, new { sourceId });

    private static Task<string> OutcomeAsync(CollectorHost host, long runId) => host.ScalarAsync<string>("SELECT outcome FROM run WHERE id = @runId", new { runId });
}
