using System.Diagnostics;
using Dapper;
using Npgsql;
using WuzhongCollector.Benchmarks.Data;

namespace WuzhongCollector.Benchmarks.Recovery;

public sealed record RecoveryResult(int Rows, double KilledAfterSeconds, double AbandonedSeconds, double RerunStartedSeconds, double RerunFinishedSeconds, IReadOnlyList<string> Runs, long Stored);

/// <summary>
/// Issue 13, goal 4: the service as a process of its own with the production defaults (invisibility timeout
/// 5 min, server timeout 30 s) collects the long export; it is killed with SIGKILL mid-import and a second
/// instance starts at once. Times from the kill: the killed run reads abandoned, the job runs again, it finishes.
/// </summary>
public static class RecoveryBench
{
    public static async Task<RecoveryResult> RunAsync(BenchSettings settings, BenchDatabase databases, TextWriter log, CancellationToken cancellationToken)
    {
        var config = new BenchConfig(Path.Combine(settings.WorkDirectory, "recovery"));
        var export = new MonthlyExport(config.LoadCatalogue());
        await export.WriteCsvAsync(Path.Combine(config.Directory, "exports", "monthly.csv"), settings.Rows, cancellationToken);
        config.WriteSource(MonthlyExport.SourceId, export.SourceYaml("exports/monthly.csv"));
        var db = await databases.CreateAsync("recovery");
        try
        {
            await using var connection = new NpgsqlConnection(db);
            var first = Start(db, config.Directory);
            var runStarted = await WaitForAsync(connection, "SELECT min(started_at) FROM run WHERE outcome = 'running'", TimeSpan.FromMinutes(3), cancellationToken);
            // Well into the import: the stage is filling or the merge is running.
            await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
            first.Kill();
            await first.WaitForExitAsync(cancellationToken);
            var killed = Stopwatch.StartNew();
            var killedAfter = (TimeProvider.System.GetUtcNow().UtcDateTime - runStarted).TotalSeconds;
            using var second = Start(db, config.Directory);
            try
            {
                var abandoned = await SecondsUntilAsync(connection, killed, "SELECT count(*) FROM run WHERE outcome = 'abandoned'", cancellationToken);
                var rerun = await SecondsUntilAsync(connection, killed, "SELECT count(*) FROM run WHERE id > (SELECT min(id) FROM run)", cancellationToken);
                var finished = await SecondsUntilAsync(connection, killed, "SELECT count(*) FROM run WHERE outcome = 'succeeded'", cancellationToken);
                var runs = (await connection.QueryAsync<string>("SELECT outcome || ' (job ' || job_id || ', attempt ' || attempt || ')' FROM run ORDER BY id")).ToList();
                var stored = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM observation");
                await log.WriteLineAsync($"  killed {killedAfter:0.0} s into the run; abandoned after {abandoned:0.0} s, job running again after {rerun:0.0} s, finished after {finished:0.0} s; runs: {string.Join(", ", runs)}");
                return new RecoveryResult(settings.Rows, killedAfter, abandoned, rerun, finished, runs, stored);
            }
            finally
            {
                second.Kill(entireProcessTree: true);
                await second.WaitForExitAsync(CancellationToken.None);
            }
        }
        finally
        {
            await databases.DropAsync(db, CancellationToken.None);
        }
    }

    /// <summary>The service binary with production settings, a scheduler, and every never-run source triggered at start.</summary>
    private static Process Start(string connectionString, string configDirectory)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "WuzhongCollector.Service.dll"));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ConnectionStrings__Collector"] = connectionString;
        start.Environment["Collector__ConfigDirectory"] = configDirectory;
        start.Environment["Collector__TriggerNewSourcesOnStart"] = "true";
        start.Environment["Urls"] = "http://127.0.0.1:0";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the service");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<DateTime> WaitForAsync(NpgsqlConnection connection, string sql, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await connection.ExecuteScalarAsync<DateTime?>(sql) is { } value)
                {
                    return DateTime.SpecifyKind(value, DateTimeKind.Utc);
                }
            }
            catch (PostgresException ex) when (ex.SqlState == "42P01")
            {
                // The service has not made its schema yet.
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"'{sql}' found nothing within {timeout}");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    private static async Task<double> SecondsUntilAsync(NpgsqlConnection connection, Stopwatch since, string countSql, CancellationToken cancellationToken)
    {
        while (await connection.ExecuteScalarAsync<long>(countSql) == 0)
        {
            if (since.Elapsed > TimeSpan.FromMinutes(10))
            {
                throw new TimeoutException($"'{countSql}' stayed 0 for 10 minutes after the kill");
            }

            await Task.Delay(50, cancellationToken);
        }

        return since.Elapsed.TotalSeconds;
    }
}
