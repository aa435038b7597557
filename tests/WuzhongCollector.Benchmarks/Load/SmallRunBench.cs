using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using WuzhongCollector.Benchmarks.Data;
using WuzhongCollector.Benchmarks.WritePath;

namespace WuzhongCollector.Benchmarks.Load;

/// <summary>Wall time per run, and CPU per run of the benchmark process (the service in it) and of the whole PostgreSQL cluster.</summary>
public sealed record SmallRunPoint(string Store, int Runs, double MedianMs, double P90Ms, double ServiceCpuMs, double? PostgresCpuMs)
{
    public double? CpuMs => ServiceCpuMs + PostgresCpuMs;
}

public sealed record SmallRunResult(SmallRunPoint Empty, SmallRunPoint Full)
{
    public double Ratio => Full.MedianMs / Empty.MedianMs;

    public double? CpuRatio => Full.CpuMs / Empty.CpuMs;

    /// <summary>"1.14x; by CPU 0.97x", without the CPU part when PostgreSQL's CPU could not be read.</summary>
    public string Ratios => string.Create(CultureInfo.InvariantCulture, $"{Ratio:0.00}x{(CpuRatio is { } cpu ? $"; by CPU {cpu:0.00}x" : "")}");
}

/// <summary>
/// Issue 13, goal 2: a run of a 10-row source (the plan district's core value added, revised each time, so every
/// run stores 10 vintages and refreshes that indicator's progress) costs the same on an empty store and on a full one.
/// Runs alternate between the two stores, so other work on the machine slows both alike.
/// </summary>
public static class SmallRunBench
{
    public const string SourceId = "ten-rows";
    private const int WarmUp = 3;

    public static void WriteSource(BenchConfig config) => config.WriteSource(SourceId, """
        name: 区统计局 核心产业增加值 (基准测试)
        kind: csv
        schedule: { cron: "0 3 * * *", timeZone: Asia/Shanghai }
        file: { path: "exports/ten-rows.csv" }
        mapping: { indicator: { const: DE_CORE_VALUE_ADDED }, period: 年份, value: 数值 }
        """);

    /// <summary>
    /// The comparison alone (<c>--only small-run</c>), for iterating on it: the service's first load of the long
    /// export at <see cref="BenchSettings.BigRows"/> rows, vacuumed, then <see cref="CompareAsync"/>.
    /// </summary>
    public static async Task<SmallRunResult> RunAsync(BenchSettings settings, BenchDatabase databases, TextWriter log, CancellationToken cancellationToken)
    {
        var config = new BenchConfig(Path.Combine(settings.WorkDirectory, "small-run"));
        var export = new MonthlyExport(config.LoadCatalogue());
        config.WriteSource(MonthlyExport.SourceId, export.SourceYaml("exports/monthly.csv"));
        WriteSource(config);
        await export.WriteCsvAsync(Path.Combine(config.Directory, "exports", "monthly.csv"), settings.BigRows, cancellationToken);
        var db = await databases.CreateAsync("small_full");
        var app = await InProcessService.StartAsync(db, config.Directory, runScheduler: false, null, cancellationToken);
        try
        {
            var first = await InProcessService.CollectAsync(app, MonthlyExport.SourceId, cancellationToken);
            await FirstLoadBench.VacuumAsync(db);
            var result = await CompareAsync(settings, databases, config, app, $"{first.Counts?.Stored:N0} figures stored", cancellationToken);
            await log.WriteLineAsync($"  10-row run: median {result.Empty.MedianMs:0.0} ms on an empty store, {result.Full.MedianMs:0.0} ms on {result.Full.Store} ({result.Ratios})");
            return result;
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
            await databases.DropAsync(db, CancellationToken.None);
        }
    }

    /// <summary>Runs the 10-row source alternately on a new empty store and on <paramref name="full"/>, which holds <paramref name="fullStore"/>.</summary>
    public static async Task<SmallRunResult> CompareAsync(
        BenchSettings settings, BenchDatabase databases, BenchConfig config, WebApplication full, string fullStore, CancellationToken cancellationToken)
    {
        var db = await databases.CreateAsync("small");
        var empty = await InProcessService.StartAsync(db, config.Directory, runScheduler: false, null, cancellationToken);
        try
        {
            // The full store's load leaves dirty pages behind; neither store's runs should pay for writing them out.
            await databases.CheckpointAsync(cancellationToken);
            var stores = new[] { new Series("empty store", empty), new Series(fullStore, full) };
            for (var run = 0; run < WarmUp + settings.SmallRuns; run++)
            {
                var csv = new StringBuilder("年份,数值\n");
                for (var year = 2014; year < 2024; year++)
                {
                    csv.Append(CultureInfo.InvariantCulture, $"{year},{300 + ((year - 2014) * 30) + run}\n");
                }

                await File.WriteAllTextAsync(Path.Combine(config.Directory, "exports", "ten-rows.csv"), csv.ToString(), cancellationToken);
                foreach (var store in stores)
                {
                    await store.RunAsync(timed: run >= WarmUp, cancellationToken);
                }
            }

            return new SmallRunResult(stores[0].Point(), stores[1].Point());
        }
        finally
        {
            await empty.StopAsync(CancellationToken.None);
            await empty.DisposeAsync();
            await databases.DropAsync(db, CancellationToken.None);
        }
    }

    private sealed class Series(string store, WebApplication app)
    {
        private readonly List<double> times = [];
        private double serviceCpu;
        private double? postgresCpu = 0;

        public async Task RunAsync(bool timed, CancellationToken cancellationToken)
        {
            var (cpu, cluster) = (Process.GetCurrentProcess().TotalProcessorTime, CpuClock.ClusterSeconds(BenchDatabase.DataDirectory));
            var clock = Stopwatch.StartNew();
            var summary = await InProcessService.CollectAsync(app, SourceId, cancellationToken);
            var elapsed = clock.Elapsed.TotalMilliseconds;
            if (summary.Counts?.Stored != 10)
            {
                throw new InvalidOperationException($"the 10-row run stored {summary.Counts?.Stored} ({summary.Outcome}: {summary.Error})");
            }

            if (timed)
            {
                times.Add(elapsed);
                serviceCpu += (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
                postgresCpu += (CpuClock.ClusterSeconds(BenchDatabase.DataDirectory) - cluster) * 1000;
            }
        }

        public SmallRunPoint Point()
        {
            var sorted = times.Order().ToList();
            return new SmallRunPoint(store, sorted.Count, WritePathBench.Median(sorted), sorted[(int)Math.Ceiling(sorted.Count * 0.9) - 1],
                serviceCpu / sorted.Count, postgresCpu / sorted.Count);
        }
    }
}
