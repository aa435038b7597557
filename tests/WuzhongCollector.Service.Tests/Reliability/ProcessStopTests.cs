using System.Diagnostics;
using Xunit.Abstractions;

namespace WuzhongCollector.Service.Tests.Reliability;

/// <summary>
/// The service as a real child process, stopped with SIGTERM in the middle of a large import: it stops at a row
/// boundary, commits nothing, and its job is requeued and finishes after restart.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class ProcessStopTests(ITestOutputHelper output) : IDisposable
{
    private readonly TestConfig config = new();

    public void Dispose() => config.Dispose();

    [Fact]
    public async Task SigTerm_MidImport_StopsWithoutCommitting_RequeuesTheJob_AndItFinishesAfterRestart()
    {
        var database = await TestDatabase.CreateAsync("sigterm");
        var file = LargeCsv.Write(config, "exports/big.csv", ImportChecks.Areas);
        config.WriteSource(ImportChecks.SourceId, file.SourceYaml());

        int exitCode;
        Stopwatch stopping;
        await using (var first = ServiceProcess.Start(database.ConnectionString, config.Directory))
        {
            await ImportChecks.WaitUntilMidImportAsync(database, first);
            first.Terminate();
            stopping = Stopwatch.StartNew();
            exitCode = await first.WaitForExitAsync(seconds: 60);
            output.WriteLine($"exited {stopping.Elapsed} after SIGTERM with code {exitCode}");
        }

        var stopped = Assert.Single(await database.QueryAsync<ImportChecks.RunRow>(ImportChecks.RunsSql));
        Assert.Equal(0, exitCode);
        Assert.Equal(("cancelled", "stopped at shutdown; nothing partial was committed"), (stopped.Outcome, stopped.Error));
        Assert.Equal(0, await database.ScalarAsync<long>("SELECT count(*) FROM observation"));
        Assert.Equal(0, await database.ScalarAsync<long>("SELECT count(*) FROM reject"));
        // Requeued at the front of the queue, not failed: no invisibility timeout to wait for.
        Assert.Equal("Processing", await ImportChecks.JobStateAsync(database, stopped.JobId!));
        Assert.Equal(1, await database.ScalarAsync<long>("SELECT count(*) FROM hangfire.jobqueue WHERE jobid = @id::bigint AND fetchedat IS NULL", new { id = stopped.JobId }));

        await using var second = ServiceProcess.Start(database.ConnectionString, config.Directory);
        var runs = await ImportChecks.WaitForRunsAsync(database, second, r => r.Any(x => x.Outcome == "succeeded"), seconds: 180);

        Assert.Equal(["cancelled", "succeeded"], runs.Select(r => r.Outcome));
        Assert.Equal([1, 2], runs.Select(r => r.Attempt));
        Assert.Equal(runs[0].JobId, runs[1].JobId);
        await ImportChecks.AssertEveryRowStoredOnceAsync(database, file);
    }
}
