using System.Globalization;
using System.Text;
using WuzhongCollector.Benchmarks.Recovery;

namespace WuzhongCollector.Benchmarks.Load;

/// <summary>The rows of scenarios 7 and 8 (issue 13) in the results table.</summary>
public static class LoadReport
{
    public static void Append(StringBuilder md, FirstLoadResult? load, SmallRunResult? smallRuns, RecoveryResult? recovery)
    {
        if (load is not null)
        {
            var main = load.Main;
            var pandasSeconds = load.Pandas.Ran ? load.Pandas.Seconds * main.Rows / load.Pandas.Rows : (double?)null;
            foreach (var p in load.Growth)
            {
                var isMain = p == main;
                md.AppendLine(Inv($"| 7 | long export ({p.CsvBytes / 1048576.0:0} MiB, 8 indicators, 12-digit areas, BOM): the service's first load | {p.Rows:N0} | {p.ServiceSeconds:0.00} s | {p.Rows / p.ServiceSeconds:N0} | {(isMain ? "**" : "")}{p.Ratio:0.00}x{(isMain ? "**" : "")} the limit | {(isMain ? ">= 0.5x limit" : "flat per row")} | {(isMain ? Met(p.Ratio >= 0.5) : "")} |"));
                md.AppendLine(Inv($"| 7 | psql \\copy of the same file into one table keyed (indicator, area, period): the limit | {p.Rows:N0} | {p.LimitSeconds:0.00} s | {p.Rows / p.LimitSeconds:N0} | 1.00x | | |"));
            }

            if (pandasSeconds is { } ps)
            {
                md.AppendLine(Inv($"| 7 | pandas read_csv + to_sql, defaults ({load.Pandas.Versions}) | {load.Pandas.Rows:N0} | {load.Pandas.Seconds:0.00} s | {load.Pandas.Rows / load.Pandas.Seconds:N0} | service **{ps / main.ServiceSeconds:0.0}x** pandas | >= 3x pandas | {Met(ps / main.ServiceSeconds >= 3)} |"));
            }
            else
            {
                md.AppendLine(Inv($"| 7 | pandas read_csv + to_sql: **NOT RUN**: {load.Pandas.Missing} | | | | | >= 3x pandas | |"));
            }

            md.AppendLine(Inv($"| 7 | unchanged re-run (outcome {load.Rerun.Outcome}) | {main.Rows:N0} | {load.RerunSeconds * 1000:0} ms | | {load.RerunSeconds / main.ServiceSeconds:0.0%} of first load | < 2% | {Met(load.RerunSeconds / main.ServiceSeconds < 0.02)} |"));
            md.AppendLine(Inv($"| 7 | revision: a tenth of the values changed ({load.Revision.Counts?.Stored:N0} vintages stored) | {main.Rows:N0} | {load.RevisionSeconds:0.00} s | {main.Rows / load.RevisionSeconds:N0} | | | |"));
            foreach (var r in load.Reads.Reads)
            {
                md.AppendLine(Inv($"| 7 | read, {r.What}: before issue 13 p50 {r.BeforeP50Ms:0.00} ms, p99 {r.BeforeP99Ms:0.00} ms ({load.Reads.Queries} queries, one client, {load.Reads.Figures:N0} figures, {load.Reads.Superseded:N0} superseded) | | | | after p50 {r.AfterP50Ms:0.00} ms, p99 {r.AfterP99Ms:0.00} ms | keep their speed | {Met(r.AfterP50Ms <= r.BeforeP50Ms * 1.2)} |"));
            }
        }

        if (smallRuns is { } s)
        {
            md.AppendLine(Inv($"| 7 | a 10-row run (10 vintages stored, progress refreshed), {s.Empty.Store}: median of {s.Empty.Runs}, alternating with the next row; {Cpu(s.Empty)} | 10 | {s.Empty.MedianMs:0.0} ms | | p90 {s.Empty.P90Ms:0.0} ms | | |"));
            md.AppendLine(Inv($"| 7 | the same run, {s.Full.Store}; {Cpu(s.Full)} | 10 | {s.Full.MedianMs:0.0} ms | | **{s.Ratio:0.00}x** the empty store (p90 {s.Full.P90Ms:0.0} ms{(s.CpuRatio is { } cpu ? Inv($"; by CPU {cpu:0.00}x") : "")}) | within 20% | {Met(s.Ratio <= 1.2)} |"));
        }

        if (recovery is { } r2)
        {
            md.AppendLine(Inv($"| 8 | kill -9 {r2.KilledAfterSeconds:0} s into a {r2.Rows:N0}-row import, a second instance started at once (production defaults): the killed run reads abandoned | | {r2.AbandonedSeconds:0.0} s | | | | |"));
            md.AppendLine(Inv($"| 8 | the same: the job runs again (runs: {string.Join("; ", r2.Runs)}; {r2.Stored:N0} figures stored) | | **{r2.RerunStartedSeconds:0.0} s** | | finished after {r2.RerunFinishedSeconds:0.0} s | < 60 s | {Met(r2.RerunStartedSeconds < 60)} |"));
        }
    }

    private static string Cpu(SmallRunPoint p) =>
        Inv($"CPU per run: service {p.ServiceCpuMs:0.0} ms, PostgreSQL {(p.PostgresCpuMs is { } pg ? Inv($"{pg:0.0} ms") : "not read")}");

    private static string Met(bool met) => met ? "yes" : "**no**";

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
