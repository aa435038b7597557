using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using WuzhongCollector.Benchmarks.Data;

namespace WuzhongCollector.Benchmarks.Load;

public sealed record SmallRunPoint(string Store, int Runs, double MedianMs, double P90Ms);

public sealed record SmallRunResult(SmallRunPoint Empty, SmallRunPoint Full)
{
    public double Ratio => Full.MedianMs / Empty.MedianMs;
}

/// <summary>
/// Issue 13, goal 2: a run of a 10-row source (the plan district's core value added, revised each time, so every
/// run stores 10 vintages and refreshes that indicator's progress) costs the same on an empty store and on a full one.
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

    public static async Task<SmallRunPoint> MeasureOnEmptyStoreAsync(BenchSettings settings, BenchDatabase databases, BenchConfig config, CancellationToken cancellationToken)
    {
        var db = await databases.CreateAsync("small");
        var app = await InProcessService.StartAsync(db, config.Directory, runScheduler: false, null, cancellationToken);
        try
        {
            return await MeasureAsync(settings, app, config, "empty store", cancellationToken);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
            await databases.DropAsync(db, CancellationToken.None);
        }
    }

    public static async Task<SmallRunPoint> MeasureAsync(BenchSettings settings, WebApplication app, BenchConfig config, string store, CancellationToken cancellationToken)
    {
        var times = new List<double>();
        for (var run = 0; run < WarmUp + settings.SmallRuns; run++)
        {
            var csv = new StringBuilder("年份,数值\n");
            for (var year = 2014; year < 2024; year++)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{year},{300 + ((year - 2014) * 30) + run}\n");
            }

            await File.WriteAllTextAsync(Path.Combine(config.Directory, "exports", "ten-rows.csv"), csv.ToString(), cancellationToken);
            var clock = Stopwatch.StartNew();
            var summary = await InProcessService.CollectAsync(app, SourceId, cancellationToken);
            if (summary.Counts?.Stored != 10)
            {
                throw new InvalidOperationException($"the 10-row run stored {summary.Counts?.Stored} ({summary.Outcome}: {summary.Error})");
            }

            if (run >= WarmUp)
            {
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        times.Sort();
        return new SmallRunPoint(store, times.Count, WritePath.WritePathBench.Median(times), times[(int)Math.Ceiling(times.Count * 0.9) - 1]);
    }
}
