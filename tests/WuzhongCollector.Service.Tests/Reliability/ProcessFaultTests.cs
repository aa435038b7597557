using System.Diagnostics;
using Xunit.Abstractions;

namespace WuzhongCollector.Service.Tests.Reliability;

/// <summary>
/// The service as a real child process, killed or stopped in the middle of a large import. Afterwards
/// every row of the file is stored exactly once: nothing lost, nothing duplicated, nothing partial.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class ProcessFaultTests(ITestOutputHelper output) : IDisposable
{
    private const string SourceId = "big-export";

    // 10 indicators × 1,700 areas × 12 months = 204,000 rows, about 9 MB: a few seconds of import.
    private const int Areas = 1_700;

    private readonly TestConfig config = new();

    public void Dispose() => config.Dispose();

    [Fact]
    public async Task Kill9_MidImport_RollsBackReleasesTheLock_AndTheRequeuedJobStoresEveryRowExactlyOnce()
    {
        var database = await TestDatabase.CreateAsync("kill9");
        var file = LargeCsv.Write(config, "exports/big.csv", Areas);
        config.WriteSource(SourceId, file.SourceYaml());

        await using (var first = ServiceProcess.Start(database.ConnectionString, config.Directory))
        {
            await WaitUntilMidImportAsync(database, first);
            await first.KillAsync();
        }

        // The advisory lock lives on the dead process's session, so it goes as soon as PostgreSQL notices.
        await Eventually.TrueAsync(async () => await database.ScalarAsync<long>(
            "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND d.datname = current_database()") == 0, seconds: 10);
        Assert.Equal(0, await database.ScalarAsync<long>("SELECT count(*) FROM observation"));
        Assert.Equal(0, await database.ScalarAsync<long>("SELECT count(*) FROM payload"));
        Assert.Equal(["running"], await database.QueryAsync<string>("SELECT outcome FROM run"));

        await using var second = ServiceProcess.Start(database.ConnectionString, config.Directory);
        var runs = await WaitForRunsAsync(database, second, r => r.Any(x => x.Outcome == "succeeded"), seconds: 120);
        output.WriteLine($"the re-run started {runs[^1].StartedAt - runs[0].StartedAt} after the killed run (invisibility timeout 30 s)");

        Assert.Equal(["abandoned", "succeeded"], runs.Select(r => r.Outcome));
        Assert.Equal(runs[0].JobId, runs[1].JobId);
        Assert.Equal([1, 2], runs.Select(r => r.Attempt));
        Assert.Equal((file.Rows, file.Rows), (runs[1].RowsRead, runs[1].Stored));
        await AssertEveryRowStoredOnceAsync(database, file);
        Assert.Equal("Succeeded", await JobStateAsync(database, runs[1].JobId!));
    }

    [Fact]
    public async Task SigTerm_MidImport_StopsWithoutCommitting_RequeuesTheJob_AndItFinishesAfterRestart()
    {
        var database = await TestDatabase.CreateAsync("sigterm");
        var file = LargeCsv.Write(config, "exports/big.csv", Areas);
        config.WriteSource(SourceId, file.SourceYaml());

        int exitCode;
        Stopwatch stopping;
        await using (var first = ServiceProcess.Start(database.ConnectionString, config.Directory))
        {
            await WaitUntilMidImportAsync(database, first);
            first.Terminate();
            stopping = Stopwatch.StartNew();
            exitCode = await first.WaitForExitAsync(seconds: 60);
            output.WriteLine($"exited {stopping.Elapsed} after SIGTERM with code {exitCode}");
        }

        var stopped = Assert.Single(await database.QueryAsync<RunRow>(RunsSql));
        Assert.Equal(0, exitCode);
        Assert.Equal(("cancelled", "stopped at shutdown; nothing partial was committed"), (stopped.Outcome, stopped.Error));
        Assert.Equal(0, await database.ScalarAsync<long>("SELECT count(*) FROM observation"));
        Assert.Equal(0, await database.ScalarAsync<long>("SELECT count(*) FROM reject"));
        // Requeued at the front of the queue, not failed: no invisibility timeout to wait for.
        Assert.Equal("Processing", await JobStateAsync(database, stopped.JobId!));
        Assert.Equal(1, await database.ScalarAsync<long>("SELECT count(*) FROM hangfire.jobqueue WHERE jobid = @id::bigint AND fetchedat IS NULL", new { id = stopped.JobId }));

        await using var second = ServiceProcess.Start(database.ConnectionString, config.Directory);
        var runs = await WaitForRunsAsync(database, second, r => r.Any(x => x.Outcome == "succeeded"), seconds: 60);

        Assert.Equal(["cancelled", "succeeded"], runs.Select(r => r.Outcome));
        Assert.Equal([1, 2], runs.Select(r => r.Attempt));
        Assert.Equal(runs[0].JobId, runs[1].JobId);
        await AssertEveryRowStoredOnceAsync(database, file);
    }

    private const string RunsSql = "SELECT id, outcome, job_id AS jobid, attempt, started_at AS startedat, error, rows_read AS rowsread, stored FROM run ORDER BY id";

    private static async Task WaitUntilMidImportAsync(TestDatabase database, ServiceProcess service)
    {
        try
        {
            await database.WaitUntilMidImportAsync(rows: 20_000, seconds: 90);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}; service output:{Environment.NewLine}{service.Output}", ex);
        }
    }

    private static async Task<List<RunRow>> WaitForRunsAsync(TestDatabase database, ServiceProcess service, Func<List<RunRow>, bool> done, int seconds)
    {
        try
        {
            return await Eventually.Async(async () =>
            {
                var runs = await database.QueryAsync<RunRow>(RunsSql);
                return done(runs) ? runs : null;
            }, seconds);
        }
        catch (TimeoutException ex)
        {
            var runs = await database.QueryAsync<RunRow>(RunsSql);
            throw new TimeoutException($"{ex.Message}; runs: {string.Join("; ", runs)}; service output:{Environment.NewLine}{service.Output}", ex);
        }
    }

    private static async Task<string> JobStateAsync(TestDatabase database, string jobId) =>
        await database.ScalarAsync<string>("SELECT statename FROM hangfire.job WHERE id = @id::bigint", new { id = jobId });

    /// <summary>Every row of the file exactly once, with its value, and nothing else.</summary>
    private static async Task AssertEveryRowStoredOnceAsync(TestDatabase database, LargeCsv file)
    {
        var stored = await database.QuerySingleAsync<(long Rows, long Keys, int MaxVintage, decimal Sum, long Latest)>("""
            SELECT count(*), count(DISTINCT (indicator_code, area_code, period)), max(vintage), sum(value),
                   (SELECT count(*) FROM observation_latest)
            FROM observation
            """);
        Assert.Equal((file.Rows, file.Rows, 1, file.Sum, file.Rows), (stored.Rows, stored.Keys, stored.MaxVintage, stored.Sum, stored.Latest));
    }

    private sealed record RunRow(long Id, string Outcome, string? JobId, int Attempt, DateTime StartedAt, string? Error, int RowsRead, int Stored);
}
