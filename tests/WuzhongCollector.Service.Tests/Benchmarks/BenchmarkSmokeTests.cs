using WuzhongCollector.Benchmarks;

namespace WuzhongCollector.Service.Tests.Benchmarks;

/// <summary>
/// The benchmark at tiny sizes: every scenario's code runs against the real service and database, and the
/// counts it reports are checked exactly. Timings are printed by the real benchmark, never asserted here.
/// </summary>
public sealed class BenchmarkSmokeTests
{
    [Fact]
    public async Task Run_SmokeSizes_EveryScenarioRunsAndCountsExactly()
    {
        var embedded = await TestServer.EmbeddedAsync();
        var admin = embedded?.AdminConnectionString ?? Environment.GetEnvironmentVariable("WUZHONG_TEST_CONNECTION");
        var databases = new BenchDatabase(_ => TestServer.CreateDatabaseAsync("bench"), admin, startedCluster: null);
        var settings = BenchSettings.Smoke(Path.Combine(Path.GetTempPath(), "wuzhong-bench-smoke-" + Guid.NewGuid().ToString("N")));
        var log = new StringWriter();

        var results = await Bench.RunAsync(settings, databases, log, CancellationToken.None);

        var w = results.WritePath!;
        Assert.Equal(new WriteSummary(2_400, 2_400, 0, 0, 0), w.NewKeysCounts);
        Assert.Equal(new WriteSummary(2_400, 240, 2_160, 0, 0), w.RevisionCounts);
        Assert.Equal((2_640L, 2_400L), (w.ObservationRows, w.LatestRows));

        var e = results.EndToEnd!;
        Assert.Equal(("succeeded", 2_400, 0), (e.First.Outcome, e.First.Counts!.Stored, e.First.Counts.Rejected));
        Assert.Equal("unchanged", e.Rerun.Outcome);
        Assert.Equal(2_400, e.StoredObservations);
        Assert.InRange(e.ArchivedBytes, 1, e.CsvBytes - 1);
        Assert.Equal(500, e.DapperRows);
        if (e.Pandas.Ran)
        {
            Assert.Equal((2_400, 2_400), (e.Pandas.Rows, e.PandasKeyed.Rows));
        }
        else
        {
            Assert.Contains("apt-get install -y python3-pandas python3-sqlalchemy python3-psycopg2", e.Pandas.Missing, StringComparison.Ordinal);
        }

        var memory = results.Memory!.Points;
        Assert.Equal([(2_400, "succeeded", 2_400), (4_800, "succeeded", 4_800)], memory.Select(p => (p.Rows, p.Child.Outcome, p.Child.Stored)));
        Assert.All(memory, p => Assert.InRange(p.Child.PeakKiB, p.Child.StartedKiB, long.MaxValue));

        var api = results.Api!;
        Assert.Equal([(2_400L, 20, 1), (4_800L, 40, 2)], api.Sizes.Select(size => (size.StoredFigures, size.Series, size.Areas)));
        Assert.All(api.Sizes, size =>
        {
            Assert.Equal((16, 0, 0L), (size.SeriesCold.Requests, size.SeriesCold.Failures, size.SeriesCold.FromMemory));
            Assert.Equal((80, 0, 80L), (size.SeriesWarm.Requests, size.SeriesWarm.Failures, size.SeriesWarm.FromMemory));
            Assert.Equal((80, 0, 80L), (size.SeriesNotModified.Requests, size.SeriesNotModified.Failures, size.SeriesNotModified.FromMemory));
            Assert.Equal((size.Areas, 0, 0L), (size.ProgressCold.Requests, size.ProgressCold.Failures, size.ProgressCold.FromMemory));
            Assert.Equal((80, 0, 80L), (size.ProgressWarm.Requests, size.ProgressWarm.Failures, size.ProgressWarm.FromMemory));
            Assert.Equal([120], size.PointCounts);
        });

        var s = results.Scheduling!;
        Assert.Equal(5, s.RecurringJobs);
        Assert.Equal(5, s.EndpointCalls);
        Assert.Equal(new Dictionary<string, int> { ["succeeded"] = 5 }, s.Outcomes);
        Assert.Equal(15, s.Observations);

        var load = results.Load!;
        Assert.Equal([(240, "succeeded", 240), (2_400, "succeeded", 2_400), (4_800, "succeeded", 4_800)],
            load.Growth.Select(p => (p.Rows, p.First.Outcome, p.First.Counts!.Stored)));
        Assert.Equal(("unchanged", "succeeded", 480), (load.Rerun.Outcome, load.Revision.Outcome, load.Revision.Counts!.Stored));
        Assert.Equal((2_880L, 480L, 5), (load.Reads.Figures, load.Reads.Superseded, load.Reads.Reads.Count));
        Assert.Equal((3, 3), (load.SmallRuns.Empty.Runs, load.SmallRuns.Full.Runs));
        Assert.Null(results.Recovery);

        var report = BenchReport.ToMarkdown(results, settings);
        Assert.Contains("| 1 | write path, new keys", report, StringComparison.Ordinal);
        Assert.Contains("| 5 | GET /api/series, warm, with If-None-Match: 304, store of 4,800 figures (80 requests, 80 from memory, 0 failed;", report, StringComparison.Ordinal);
        Assert.Contains("| 6 | one full cycle against loopback endpoints (5 succeeded; 15 observations; CPU ", report, StringComparison.Ordinal);
        Assert.Contains("| 7 | long export", report, StringComparison.Ordinal);
        Assert.Contains("| 7 | the same run, 4,800 figures stored; CPU per run: service ", report, StringComparison.Ordinal);
        Assert.False(Directory.Exists(settings.WorkDirectory));
    }
}
