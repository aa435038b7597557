using System.Diagnostics;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;
using WuzhongCollector.Benchmarks.Data;
using WuzhongCollector.Core.Normalisation;
using WuzhongCollector.Service.Collection;
using WuzhongCollector.Service.Database;

namespace WuzhongCollector.Benchmarks.WritePath;

/// <summary>One timed load: wall seconds, and client plus server CPU seconds when the server runs on this machine.</summary>
public sealed record Timing(double Seconds, double? CpuSeconds);

/// <summary>
/// Medians of each load's timings. Each repetition times the write path and the limit back to back, so
/// the ratios are medians of those pairs: a burst of other work on the machine then skews one pair, not
/// the ratio.
/// </summary>
public sealed record WritePathResult(
    int Rows, Timing NewKeys, Timing NewKeysLimit, Timing Revision, Timing RevisionLimit,
    double NewKeysRatio, double RevisionRatio, double? NewKeysCpuRatio, double? RevisionCpuRatio,
    WriteSummary NewKeysCounts, WriteSummary RevisionCounts, long ObservationRows, long LatestRows);

/// <summary>
/// Scenario 1: <see cref="ObservationWriter"/> against the physical limit, a raw binary COPY of the same
/// rows into an empty table identical to <c>observation</c> (same columns, key and index). Two loads: every
/// key new, then a revision where every key exists and every tenth value changed.
/// </summary>
public static class WritePathBench
{
    private const string SourceId = "bench";

    public static async Task<WritePathResult> RunAsync(BenchSettings settings, BenchDatabase databases, DepartmentData data, TextWriter log, CancellationToken cancellationToken)
    {
        var newKeys = new List<Timing>();
        var newLimit = new List<Timing>();
        var revision = new List<Timing>();
        var revisionLimit = new List<Timing>();
        WriteSummary? newCounts = null, revisionCounts = null;
        long observationRows = 0, latestRows = 0;
        for (var repetition = 1; repetition <= settings.Repetitions; repetition++)
        {
            var connectionString = await databases.CreateAsync("write");
            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            await SchemaMigrator.MigrateAsync(dataSource, NullLogger.Instance, cancellationToken);
            await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
            {
                await connection.ExecuteAsync("CREATE TABLE limit_observation (LIKE observation INCLUDING ALL)");
            }

            await databases.CheckpointAsync(cancellationToken);
            newLimit.Add(await CopyLimitAsync(dataSource, data.Observations(settings.Rows, revised: false), cancellationToken));
            await TruncateLimitAsync(dataSource, databases, cancellationToken);
            (var timing, newCounts) = await TimeWriteAsync(dataSource, data.Observations(settings.Rows, revised: false), runId: 1, cancellationToken);
            newKeys.Add(timing);
            await databases.CheckpointAsync(cancellationToken);
            (timing, revisionCounts) = await TimeWriteAsync(dataSource, data.Observations(settings.Rows, revised: true), runId: 2, cancellationToken);
            revision.Add(timing);
            await TruncateLimitAsync(dataSource, databases, cancellationToken);
            revisionLimit.Add(await CopyLimitAsync(dataSource, data.Observations(settings.Rows, revised: true), cancellationToken));

            await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
            {
                observationRows = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM observation");
                latestRows = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM observation_latest");
            }

            await log.WriteLineAsync($"  write path, repetition {repetition}: new keys {Show(newKeys[^1])} (limit {Show(newLimit[^1])}), revision {Show(revision[^1])} (limit {Show(revisionLimit[^1])})");
            await databases.DropAsync(connectionString, cancellationToken);
        }

        return new WritePathResult(settings.Rows, Median(newKeys), Median(newLimit), Median(revision), Median(revisionLimit),
            PairedRatio(newLimit, newKeys, t => t.Seconds), PairedRatio(revisionLimit, revision, t => t.Seconds),
            PairedCpuRatio(newLimit, newKeys), PairedCpuRatio(revisionLimit, revision),
            newCounts!, revisionCounts!, observationRows, latestRows);
    }

    /// <summary>The median over repetitions of limit time / write-path time: above 1 the write path was faster.</summary>
    private static double PairedRatio(List<Timing> limit, List<Timing> writePath, Func<Timing, double> measure) =>
        Median(limit.Zip(writePath, (l, w) => measure(l) / measure(w)).ToList());

    private static double? PairedCpuRatio(List<Timing> limit, List<Timing> writePath) =>
        limit.Concat(writePath).All(t => t.CpuSeconds is not null) ? PairedRatio(limit, writePath, t => t.CpuSeconds!.Value) : null;

    private static string Show(Timing t) => t.CpuSeconds is { } cpu ? $"{t.Seconds:0.00} s, {cpu:0.00} s CPU" : $"{t.Seconds:0.00} s";

    /// <summary>The median by wall time, and separately the median CPU time.</summary>
    private static Timing Median(List<Timing> timings)
    {
        var cpu = timings.Where(t => t.CpuSeconds is not null).Select(t => t.CpuSeconds!.Value).ToList();
        return new Timing(Median(timings.Select(t => t.Seconds).ToList()), cpu.Count == timings.Count ? Median(cpu) : null);
    }

    private static async Task<(Timing Timing, WriteSummary Counts)> TimeWriteAsync(
        NpgsqlDataSource dataSource, IEnumerable<(Observation?, Rejection?)> rows, long runId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var cpu = CpuClock.Start(connection);
        var clock = Stopwatch.StartNew();
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var counts = await ObservationWriter.WriteAsync(connection, transaction, SourceId, runId, "bench-sha", DateTimeOffset.UnixEpoch.AddDays(runId), rows, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (new Timing(clock.Elapsed.TotalSeconds, cpu.Elapsed()), counts);
    }

    private static async Task<Timing> CopyLimitAsync(NpgsqlDataSource dataSource, IEnumerable<(Observation? Observation, Rejection? Rejection)> rows, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var cpu = CpuClock.Start(connection);
        var clock = Stopwatch.StartNew();
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var recordedAt = DateTimeOffset.UnixEpoch;
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY limit_observation (indicator_code, area_code, period, source_id, vintage, period_type, period_end, value, status, run_id, recorded_at, payload_sha256, location) FROM STDIN (FORMAT BINARY)",
            cancellationToken))
        {
            foreach (var (observation, _) in rows)
            {
                var o = observation!;
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(o.IndicatorCode, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(o.AreaCode, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(o.Period.Id, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(SourceId, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(1, NpgsqlDbType.Integer, cancellationToken);
                await copy.WriteAsync(o.Period.TypeName, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(o.Period.End, NpgsqlDbType.Date, cancellationToken);
                await copy.WriteAsync(o.Value, NpgsqlDbType.Numeric, cancellationToken);
                await copy.WriteAsync(o.Status.ToText(), NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(1L, NpgsqlDbType.Bigint, cancellationToken);
                await copy.WriteAsync(recordedAt, NpgsqlDbType.TimestampTz, cancellationToken);
                await copy.WriteAsync("bench-sha", NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(o.Location, NpgsqlDbType.Text, cancellationToken);
            }

            await copy.CompleteAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new Timing(clock.Elapsed.TotalSeconds, cpu.Elapsed());
    }

    private static async Task TruncateLimitAsync(NpgsqlDataSource dataSource, BenchDatabase databases, CancellationToken cancellationToken)
    {
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            await connection.ExecuteAsync("TRUNCATE limit_observation");
        }

        await databases.CheckpointAsync(cancellationToken);
    }

    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
