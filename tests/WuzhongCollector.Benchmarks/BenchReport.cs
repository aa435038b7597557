using System.Globalization;
using System.Text;
using WuzhongCollector.Benchmarks.WritePath;

namespace WuzhongCollector.Benchmarks;

/// <summary>The results as a Markdown table with the goals beside the measured numbers.</summary>
public static class BenchReport
{
    /// <summary>"Flat" memory: the larger file may peak at most this much higher than the smaller one.</summary>
    public const double FlatMemoryFactor = 1.15;

    public static string ToMarkdown(BenchResults results, BenchSettings settings)
    {
        var m = results.Machine;
        var md = new StringBuilder();
        md.AppendLine(Inv($"Measured {m.At:yyyy-MM-dd HH:mm} UTC on {m.Cpu}, {m.Cores} cores, {m.Memory}, {m.Os}, {m.Runtime};"));
        md.AppendLine(Inv($"PostgreSQL {m.PostgreSql} (the service's private cluster, default settings), on the same machine."));
        md.AppendLine(Inv($"Load average (1, 5, 15 min) at the start {m.LoadAtStart}, at the end {results.LoadAtEnd}: anything above 0 is other work sharing the 2 cores."));
        md.AppendLine(Inv($"Sizes: {settings.Rows:N0} rows, {settings.BigRows:N0} rows for memory, write path median of {settings.Repetitions}, naive Dapper on the first {settings.DapperRows:N0} rows, {settings.ApiClients} API clients ({settings.ApiColdRequests:N0} requests cold, {settings.ApiClients * settings.ApiRequestsPerClient:N0} warm over {settings.ApiWarmSeries:N0} series or {settings.ApiWarmAreas} areas) on stores of {settings.Rows:N0} and {settings.ApiBigRows:N0} figures, {settings.Sources:N0} sources."));
        md.AppendLine();
        md.AppendLine("| # | what | rows | time | rows/s | ratio | goal | met |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---|---|");

        if (results.WritePath is { } w)
        {
            Row(md, "1", "write path, new keys (COPY to stage + merge)" + Cpu(w.NewKeys), w.Rows, w.NewKeys.Seconds,
                Inv($"**{w.NewKeysRatio:0.00}x** limit{CpuRatio(w.NewKeysCpuRatio)}"), ">= 0.5x limit", w.NewKeysRatio >= 0.5);
            Row(md, "1", "raw binary COPY into an identical empty table (the limit)" + Cpu(w.NewKeysLimit), w.Rows, w.NewKeysLimit.Seconds, "1.00x", "", null);
            Row(md, "1", "write path, revision: every key exists, 10% changed" + Cpu(w.Revision), w.Rows, w.Revision.Seconds,
                Inv($"**{w.RevisionRatio:0.00}x** limit{CpuRatio(w.RevisionCpuRatio)}"), ">= 0.3x limit", w.RevisionRatio >= 0.3);
            Row(md, "1", "raw binary COPY of the revised rows (the limit)" + Cpu(w.RevisionLimit), w.Rows, w.RevisionLimit.Seconds, "1.00x", "", null);
        }

        if (results.EndToEnd is { } e)
        {
            var pandasRatio = e.Pandas.Ran ? e.ServiceRowsPerSecond / (e.Pandas.Rows / e.Pandas.Seconds) : (double?)null;
            Row(md, "2", Inv($"department CSV end to end through the service ({e.CsvBytes / 1048576.0:0} MiB: source definition, read, map, normalise, write, run record, archive as {e.ArchivedBytes / 1048576.0:0.0} MiB gzip)"),
                e.Rows, e.ServiceSeconds, pandasRatio is { } r ? Inv($"{r:0.0}x pandas") : "pandas missing", ">= 5x pandas", pandasRatio is { } x ? x >= 5 : null);
            Row(md, "2", "of which reading and mapping the file alone (client side, no database)", e.Rows, e.ReadAndMapSeconds, "", "", null);
            if (e.Pandas.Ran)
            {
                Row(md, "2", $"pandas read_csv + to_sql, defaults ({e.Pandas.Versions})", e.Pandas.Rows, e.Pandas.Seconds, "1.0x", "", null);
                Row(md, "2", "for context: pandas to_sql appending to a table made first with the same key and series index the service keeps", e.PandasKeyed.Rows, e.PandasKeyed.Seconds,
                    Inv($"{e.ServiceRowsPerSecond / (e.PandasKeyed.Rows / e.PandasKeyed.Seconds):0.0}x by the service"), "", null);
            }
            else
            {
                md.AppendLine(Inv($"| 2 | pandas read_csv + to_sql: **NOT RUN**: {e.Pandas.Missing} | | | | | | |"));
            }

            Row(md, "2", "naive Dapper INSERT per row, one transaction", e.DapperRows, e.DapperSeconds,
                Inv($"{e.ServiceRowsPerSecond / e.DapperRowsPerSecond:0}x slower than the service"), "", null);
            var share = e.RerunSeconds / e.ServiceSeconds;
            md.AppendLine(Inv($"| 3 | unchanged re-run of the same file (outcome {e.Rerun.Outcome}) | {e.Rows:N0} | {e.RerunSeconds * 1000:0} ms | | {share:0.0%} of first load | < 2% | {Met(share < 0.02)} |"));
        }

        if (results.Memory is { Points.Count: 2 } mem)
        {
            var (small, big) = (mem.Points[0], mem.Points[1]);
            var flat = big.Child.PeakKiB <= small.Child.PeakKiB * FlatMemoryFactor;
            foreach (var p in mem.Points)
            {
                var under = p.Child.PeakKiB * 1024 < 300_000_000;
                md.AppendLine(Inv($"| 4 | peak resident memory (VmHWM) of the service path, {p.CsvBytes / 1048576.0:0} MiB file; {p.Child.Stored:N0} stored in {p.Child.Seconds:0.0} s | {p.Rows:N0} | {p.Child.Seconds:0.0} s | {p.Rows / p.Child.Seconds:N0} | **{p.Child.PeakKiB / 1024.0:0} MiB** (after start {p.Child.StartedKiB / 1024.0:0} MiB) | < 300 MB, flat (5M <= {FlatMemoryFactor:0.00}x 1M) | {Met(under && flat)} |"));
            }
        }

        if (results.Api is { } a)
        {
            foreach (var size in a.Sizes)
            {
                var store = Inv($"store of {size.StoredFigures:N0} figures");
                ApiRow(md, Inv($"GET /api/series, 120 points, cold: each request a series not asked before, {store}"), size.SeriesCold, null);
                ApiRow(md, Inv($"GET /api/series, warm: requests spread over {a.WarmSeries:N0} series answered once, {store}"), size.SeriesWarm, true);
                ApiRow(md, Inv($"GET /api/series, warm, with If-None-Match: 304, {store}"), size.SeriesNotModified, true);
                ApiRow(md, Inv($"GET /api/progress?area=, cold: each request an area not asked before, {store}"), size.ProgressCold, null);
                ApiRow(md, Inv($"GET /api/progress?area=, warm: requests spread over {a.WarmAreas} areas, {store}"), size.ProgressWarm, true);
            }
        }

        if (results.Scheduling is { } s)
        {
            md.AppendLine(Inv($"| 6 | {s.Sources:N0} sources: load and validate the source files, build the service | | {s.BuildSeconds:0.00} s | | | | |"));
            md.AppendLine(Inv($"| 6 | {s.Sources:N0} sources: register their recurring jobs | | **{s.RegisterSeconds:0.00} s** | | | < 10 s | {Met(s.RegisterSeconds < 10)} |"));
            var outcomes = string.Join(", ", s.Outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => Inv($"{o.Value} {o.Key}")));
            md.AppendLine(Inv($"| 6 | one full cycle against loopback endpoints ({outcomes}; {s.Observations:N0} observations; CPU {s.CycleServiceCpuSeconds:0.0} s in the service, its endpoint and the benchmark, {(s.CyclePostgresCpuSeconds is { } pg ? Inv($"{pg:0.0} s") : "not read")} in PostgreSQL) | | **{s.CycleSeconds:0.00} s** | | | < 20 s | {Met(s.CycleSeconds < 20)} |"));
        }

        Load.LoadReport.Append(md, results.Load, results.SmallRuns, results.Recovery);
        return md.ToString();
    }

    private static void ApiRow(StringBuilder md, string what, Api.Latency l, bool? goal) => md.AppendLine(Inv(
        $"| 5 | {what} ({l.Requests:N0} requests, {l.FromMemory:N0} from memory, {l.Failures} failed; CPU per request: service {l.ServiceCpuMs:0.000} ms, clients {l.ClientCpuMs:0.000} ms) | | | {l.RequestsPerSecond:N0} req/s | p50 {l.P50Ms:0.00} ms, **p99 {l.P99Ms:0.00} ms** | {(goal is null ? "(reads the database)" : "p99 < 3 ms")} | {(goal is null ? "" : Met(l.P99Ms < 3 && l.Failures == 0))} |"));

    private static void Row(StringBuilder md, string number, string what, long rows, double seconds, string ratio, string goal, bool? met) =>
        md.AppendLine(Inv($"| {number} | {what} | {rows:N0} | {seconds:0.00} s | {rows / seconds:N0} | {ratio} | {goal} | {(met is { } v ? Met(v) : "")} |"));

    private static string Cpu(Timing timing) => timing.CpuSeconds is { } cpu ? Inv($"; {cpu:0.0} s CPU") : "";

    private static string CpuRatio(double? ratio) => ratio is { } r ? Inv($" ({r:0.00}x by CPU time)") : "";

    private static string Met(bool met) => met ? "yes" : "**no**";

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
