using Xunit.Abstractions;

namespace WuzhongCollector.Service.Tests.Reliability;

/// <summary>
/// The service as a real child process, killed with SIGKILL in the middle of a large import. Afterwards every
/// row of the file is stored exactly once: nothing lost, nothing duplicated, nothing partial. Both instances run
/// with the production timeouts: the job comes back because the next instance sees its server is dead, long
/// before the 5-minute invisibility timeout would bring it back.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class ProcessKillTests(ITestOutputHelper output) : IDisposable
{
    private readonly TestConfig config = new();

    public void Dispose() => config.Dispose();

    [Fact]
    public async Task Kill9_MidImport_RollsBackReleasesTheLock_AndTheNextInstanceRequeuesTheJobOfTheDeadServer_WhichStoresEveryRowExactlyOnce()
    {
        var database = await TestDatabase.CreateAsync("kill9");
        var file = LargeCsv.Write(config, "exports/big.csv", ImportChecks.Areas);
        config.WriteSource(ImportChecks.SourceId, file.SourceYaml());

        var productionTimeouts = new Dictionary<string, string> { ["Collector__InvisibilityTimeout"] = "00:05:00" };
        await using (var first = ServiceProcess.Start(database.ConnectionString, config.Directory, productionTimeouts))
        {
            await ImportChecks.WaitUntilMidImportAsync(database, first);
            await first.KillAsync();
        }

        // The run lock lives on the dead process's session, so it goes as soon as PostgreSQL notices.
        await Eventually.TrueAsync(async () => await database.ScalarAsync<long>(SourceLockTests.HeldRunLocksSql) == 0, seconds: 10);
        Assert.Equal(0, await database.ScalarAsync<long>("SELECT count(*) FROM observation"));
        Assert.Equal(0, await database.ScalarAsync<long>("SELECT count(*) FROM payload"));
        Assert.Equal(["running"], await database.QueryAsync<string>("SELECT outcome FROM run"));

        await using var second = ServiceProcess.Start(database.ConnectionString, config.Directory, productionTimeouts);
        var runs = await ImportChecks.WaitForRunsAsync(database, second, r => r.Any(x => x.Outcome == "succeeded"), seconds: 150);
        output.WriteLine($"the re-run started {runs[^1].StartedAt - runs[0].StartedAt} after the killed run (server timeout 30 s, invisibility timeout 5 min)");
        await second.WaitForOutputAsync($"Job {runs[0].JobId} requeued: server", seconds: 5);

        Assert.Equal(["abandoned", "succeeded"], runs.Select(r => r.Outcome));
        Assert.Equal(runs[0].JobId, runs[1].JobId);
        Assert.Equal([1, 2], runs.Select(r => r.Attempt));
        Assert.Equal((file.Rows, file.Rows), (runs[1].RowsRead, runs[1].Stored));
        await ImportChecks.AssertEveryRowStoredOnceAsync(database, file);
        Assert.Equal("Succeeded", await ImportChecks.JobStateAsync(database, runs[1].JobId!));
    }
}
