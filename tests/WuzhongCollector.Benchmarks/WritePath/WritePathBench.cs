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

public sealed record WritePathResult(
    int Rows, double NewKeysSeconds, double NewKeysLimitSeconds, double RevisionSeconds, double RevisionLimitSeconds,
    WriteSummary NewKeys, WriteSummary Revision, long ObservationRows, long LatestRows)
{
    public double NewKeysRatio => NewKeysLimitSeconds / NewKeysSeconds;

    public double RevisionRatio => RevisionLimitSeconds / RevisionSeconds;
}

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
        var newKeys = new List<double>();
        var newLimit = new List<double>();
        var revision = new List<double>();
        var revisionLimit = new List<double>();
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
            newLimit.Add(await TimeAsync(() => CopyLimitAsync(dataSource, data.Observations(settings.Rows, revised: false), cancellationToken)));
            await TruncateLimitAsync(dataSource, databases, cancellationToken);
            (var seconds, newCounts) = await TimeWriteAsync(dataSource, data.Observations(settings.Rows, revised: false), runId: 1, cancellationToken);
            newKeys.Add(seconds);
            await databases.CheckpointAsync(cancellationToken);
            (seconds, revisionCounts) = await TimeWriteAsync(dataSource, data.Observations(settings.Rows, revised: true), runId: 2, cancellationToken);
            revision.Add(seconds);
            await TruncateLimitAsync(dataSource, databases, cancellationToken);
            revisionLimit.Add(await TimeAsync(() => CopyLimitAsync(dataSource, data.Observations(settings.Rows, revised: true), cancellationToken)));

            await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
            {
                observationRows = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM observation");
                latestRows = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM observation_latest");
            }

            await log.WriteLineAsync($"  write path, repetition {repetition}: new keys {newKeys[^1]:0.00} s (limit {newLimit[^1]:0.00} s), revision {revision[^1]:0.00} s (limit {revisionLimit[^1]:0.00} s)");
            await databases.DropAsync(connectionString, cancellationToken);
        }

        return new WritePathResult(settings.Rows, Median(newKeys), Median(newLimit), Median(revision), Median(revisionLimit),
            newCounts!, revisionCounts!, observationRows, latestRows);
    }

    private static async Task<(double Seconds, WriteSummary Counts)> TimeWriteAsync(
        NpgsqlDataSource dataSource, IEnumerable<(Observation?, Rejection?)> rows, long runId, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var counts = await ObservationWriter.WriteAsync(connection, transaction, SourceId, runId, "bench-sha", DateTimeOffset.UnixEpoch.AddDays(runId), rows, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (clock.Elapsed.TotalSeconds, counts);
    }

    private static async Task CopyLimitAsync(NpgsqlDataSource dataSource, IEnumerable<(Observation? Observation, Rejection? Rejection)> rows, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
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
    }

    private static async Task TruncateLimitAsync(NpgsqlDataSource dataSource, BenchDatabase databases, CancellationToken cancellationToken)
    {
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            await connection.ExecuteAsync("TRUNCATE limit_observation");
        }

        await databases.CheckpointAsync(cancellationToken);
    }

    private static async Task<double> TimeAsync(Func<Task> action)
    {
        var clock = Stopwatch.StartNew();
        await action();
        return clock.Elapsed.TotalSeconds;
    }

    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
