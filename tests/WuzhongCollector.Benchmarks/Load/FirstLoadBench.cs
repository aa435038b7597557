using System.Diagnostics;
using Dapper;
using Npgsql;
using WuzhongCollector.Benchmarks.Data;
using WuzhongCollector.Benchmarks.EndToEnd;
using WuzhongCollector.Service.Collection;

namespace WuzhongCollector.Benchmarks.Load;

/// <summary>One size of the growth table: the limit and the service's first load of the same file, back to back.</summary>
public sealed record LoadPoint(int Rows, long CsvBytes, double LimitSeconds, double ServiceSeconds, RunSummary First)
{
    public double Ratio => LimitSeconds / ServiceSeconds;
}

public sealed record FirstLoadResult(
    IReadOnlyList<LoadPoint> Growth, PandasResult Pandas, double RerunSeconds, RunSummary Rerun, double RevisionSeconds, RunSummary Revision,
    ReadSpeedResult Reads, SmallRunResult SmallRuns)
{
    public LoadPoint Main => Growth.Single(p => p.Rows == Growth.Select(g => g.Rows).Order().ElementAt(Growth.Count / 2));
}

/// <summary>
/// Issue 13, goal 1 and the growth table: the long department export (<see cref="MonthlyExport"/>) loaded by the
/// service's own path (as its run verb does) into an empty store, against psql's \copy of the same file into one
/// table keyed (indicator, area, period), at each size. At the middle size also pandas, an unchanged re-run, a
/// revision of a tenth of the values, the read speeds before and after the storage change, and the small-run cost.
/// </summary>
public static class FirstLoadBench
{
    public static async Task<FirstLoadResult> RunAsync(BenchSettings settings, BenchDatabase databases, TextWriter log, CancellationToken cancellationToken)
    {
        var config = new BenchConfig(Path.Combine(settings.WorkDirectory, "load"));
        var export = new MonthlyExport(config.LoadCatalogue());
        var csv = Path.Combine(config.Directory, "exports", "monthly.csv");
        config.WriteSource(MonthlyExport.SourceId, export.SourceYaml("exports/monthly.csv"));
        SmallRunBench.WriteSource(config);
        var sizes = new[] { settings.Rows / 10, settings.Rows, settings.BigRows };
        var growth = new List<LoadPoint>();
        PandasResult? pandas = null;
        (double Seconds, RunSummary Run) rerun = default, revision = default;
        ReadSpeedResult? reads = null;
        Directory.CreateDirectory(Path.GetDirectoryName(csv)!);
        SmallRunResult? smallRuns = null;
        foreach (var rows in sizes)
        {
            await export.WriteCsvAsync(csv, rows, cancellationToken);
            var limitSeconds = await LimitAsync(databases, csv, cancellationToken);

            var serviceDb = await databases.CreateAsync("load");
            var app = await InProcessService.StartAsync(serviceDb, config.Directory, runScheduler: false, null, cancellationToken);
            try
            {
                await databases.CheckpointAsync(cancellationToken);
                var clock = Stopwatch.StartNew();
                var first = await InProcessService.CollectAsync(app, MonthlyExport.SourceId, cancellationToken);
                var point = new LoadPoint(rows, new FileInfo(csv).Length, limitSeconds, clock.Elapsed.TotalSeconds, first);
                growth.Add(point);
                await log.WriteLineAsync($"  {rows:N0} rows: limit (psql \\copy) {limitSeconds:0.00} s, service {point.ServiceSeconds:0.00} s ({first.Outcome}, {first.Counts?.Stored:N0} stored): {point.Ratio:0.00}x");

                if (rows == settings.Rows)
                {
                    rerun = await TimeAsync(app, databases, cancellationToken);
                    await log.WriteLineAsync($"  unchanged re-run: {rerun.Run.Outcome} in {rerun.Seconds * 1000:0} ms");
                    await export.WriteCsvAsync(csv, rows, cancellationToken, revised: true);
                    revision = await TimeAsync(app, databases, cancellationToken);
                    await log.WriteLineAsync($"  revision of a tenth: {revision.Run.Counts?.Stored:N0} stored in {revision.Seconds:0.00} s");
                    await VacuumAsync(serviceDb);
                    reads = await ReadSpeedBench.RunAsync(settings, databases, serviceDb, export, log, cancellationToken);

                    var pandasDb = await databases.CreateAsync("pandas");
                    await export.WriteCsvAsync(csv, rows, cancellationToken);
                    await databases.CheckpointAsync(cancellationToken);
                    pandas = await PandasLoad.RunAsync(csv, pandasDb, keyed: false, cancellationToken);
                    await log.WriteLineAsync(pandas.Ran ? $"  pandas: {pandas.Rows:N0} rows in {pandas.Seconds:0.00} s" : $"  pandas: NOT RUN, {pandas.Missing}");
                    await databases.DropAsync(pandasDb, cancellationToken);
                }

                if (rows == settings.BigRows)
                {
                    await VacuumAsync(serviceDb);
                    smallRuns = await SmallRunBench.CompareAsync(settings, databases, config, app, $"{first.Counts?.Stored:N0} figures stored", cancellationToken);
                    await log.WriteLineAsync($"  10-row run: median {smallRuns.Empty.MedianMs:0.0} ms on an empty store, {smallRuns.Full.MedianMs:0.0} ms on {smallRuns.Full.Store} ({smallRuns.Ratios})");
                }
            }
            finally
            {
                await app.StopAsync(CancellationToken.None);
                await app.DisposeAsync();
                await databases.DropAsync(serviceDb, CancellationToken.None);
            }
        }

        return new FirstLoadResult(growth, pandas!, rerun.Seconds, rerun.Run!, revision.Seconds, revision.Run!, reads!, smallRuns!);
    }

    /// <summary>
    /// The first load alone, for a quick loop while working on it (the <c>first-load ROWS PAIRS</c> verb): the limit and
    /// the service's load of one file, back to back, <paramref name="pairs"/> times; no pandas, re-runs or reads.
    /// </summary>
    public static async Task RunPairsAsync(int rows, int pairs, BenchDatabase databases, string workDirectory, TextWriter log, CancellationToken cancellationToken)
    {
        var config = new BenchConfig(Path.Combine(workDirectory, "load"));
        var export = new MonthlyExport(config.LoadCatalogue());
        var csv = Path.Combine(config.Directory, "exports", "monthly.csv");
        config.WriteSource(MonthlyExport.SourceId, export.SourceYaml("exports/monthly.csv"));
        Directory.CreateDirectory(Path.GetDirectoryName(csv)!);
        await export.WriteCsvAsync(csv, rows, cancellationToken);
        for (var pair = 1; pair <= pairs; pair++)
        {
            var limitSeconds = await LimitAsync(databases, csv, cancellationToken);
            var serviceDb = await databases.CreateAsync("load");
            var app = await InProcessService.StartAsync(serviceDb, config.Directory, runScheduler: false, null, cancellationToken);
            try
            {
                await databases.CheckpointAsync(cancellationToken);
                var cpu = Environment.CpuUsage.TotalTime;
                var clock = Stopwatch.StartNew();
                var first = await InProcessService.CollectAsync(app, MonthlyExport.SourceId, cancellationToken);
                var seconds = clock.Elapsed.TotalSeconds;
                await log.WriteLineAsync(
                    $"  {rows:N0} rows, pair {pair}: limit {limitSeconds:0.00} s, service {seconds:0.00} s (client CPU {(Environment.CpuUsage.TotalTime - cpu).TotalSeconds:0.00} s; {first.Outcome}, {first.Counts?.Stored:N0} stored): {limitSeconds / seconds:0.00}x");
            }
            finally
            {
                await app.StopAsync(CancellationToken.None);
                await app.DisposeAsync();
                await databases.DropAsync(serviceDb, CancellationToken.None);
            }
        }
    }

    /// <summary><c>psql \copy</c> of the file into one table keyed (indicator, area, period), in a database of its own.</summary>
    private static async Task<double> LimitAsync(BenchDatabase databases, string csv, CancellationToken cancellationToken)
    {
        var limitDb = await databases.CreateAsync("limit");
        await Psql.RunAsync(limitDb, cancellationToken,
            "CREATE TABLE limit_keyed (\"统计月份\" text, \"地区\" text, \"指标\" text, \"单位\" text, \"数值\" numeric, PRIMARY KEY (\"指标\", \"地区\", \"统计月份\"))");
        await databases.CheckpointAsync(cancellationToken);
        var seconds = await Psql.RunAsync(limitDb, cancellationToken, $"\\copy limit_keyed FROM '{csv}' WITH (FORMAT csv, HEADER true)");
        await databases.DropAsync(limitDb, cancellationToken);
        return seconds;
    }

    private static async Task<(double Seconds, RunSummary Run)> TimeAsync(Microsoft.AspNetCore.Builder.WebApplication app, BenchDatabase databases, CancellationToken cancellationToken)
    {
        await databases.CheckpointAsync(cancellationToken);
        var clock = Stopwatch.StartNew();
        var run = await InProcessService.CollectAsync(app, MonthlyExport.SourceId, cancellationToken);
        return (clock.Elapsed.TotalSeconds, run);
    }

    /// <summary>As autovacuum would after a big load, so reads and small runs meet a settled store.</summary>
    public static async Task VacuumAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.ExecuteAsync("VACUUM ANALYZE", commandTimeout: 0);
    }
}
