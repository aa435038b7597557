using Dapper;
using Npgsql;
using NpgsqlTypes;
using WuzhongCollector.Core.Normalisation;
using WuzhongCollector.Service.Caching;
using WuzhongCollector.Service.Plan;

namespace WuzhongCollector.Service.Collection;

/// <summary>What a run read and did: <see cref="Skipped"/> records a rule of the mapping left out are counted, never stored as rejects.</summary>
public sealed record WriteSummary(int RowsRead, int Stored, int Unchanged, int Rejected, int Missing, int Skipped = 0)
{
    /// <summary>
    /// The indicators the run stated figures for in the plan's district (<see cref="PlanReport.PlanArea"/>), when it
    /// stored any: the ones whose progress it may have changed.
    /// </summary>
    public IReadOnlyList<string> IndicatorsInPlanArea { get; init; } = [];

    /// <summary>Two summaries are equal when their counts are; the indicator list follows from what was stored.</summary>
    public bool Equals(WriteSummary? other) =>
        other is not null && (RowsRead, Stored, Unchanged, Rejected, Missing, Skipped) == (other.RowsRead, other.Stored, other.Unchanged, other.Rejected, other.Missing, other.Skipped);

    public override int GetHashCode() => HashCode.Combine(RowsRead, Stored, Unchanged, Rejected, Missing, Skipped);
}

/// <summary>
/// The set-based write path: every mapped record and reject streams through one binary COPY, on a source's
/// first load straight into observation_latest, otherwise into a temporary stage, from which a single merge
/// adds a vintage only where value or status changed: each figure is
/// written once, to observation_latest, and a vintage it replaces moves to observation_superseded. Runs inside
/// the caller's transaction, so observations, rejects and the run record commit together or not at all.
/// </summary>
public static partial class ObservationWriter
{
    /// <summary>
    /// Every path that stores figures comes through here, so here the change is announced: the notification
    /// joins the caller's transaction and reaches every instance's answer cache when, and only if, it commits.
    /// <paramref name="mapped"/> is enumerated a second time when a first load gives way to the stage, so it must
    /// read its payload again each time (a file read lazily, or a list).
    /// </summary>
    public static async Task<WriteSummary> WriteAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string sourceId,
        long runId,
        string? payloadSha256,
        DateTimeOffset recordedAt,
        IEnumerable<(Observation? Observation, Rejection? Rejection)> mapped,
        CancellationToken cancellationToken)
    {
        if (await ScalarAsync<bool>(connection, transaction, ObservationWriterSql.SourceHasNoFigures, new { sourceId }, cancellationToken)
            && await TryFirstLoadAsync(connection, transaction, sourceId, runId, payloadSha256, recordedAt, mapped, cancellationToken) is { } firstLoad)
        {
            return firstLoad;
        }

        await ExecuteAsync(connection, transaction, ObservationWriterSql.CreateStage, new { }, cancellationToken);
        var staged = await CopyToStageAsync(connection, mapped, cancellationToken);
        var args = new { sourceId, runId, payloadSha256, recordedAt };
        var (stored, unchanged, rejects) = await MergeAsync(connection, transaction, staged, args, cancellationToken);
        IReadOnlyList<string> inPlanArea = [];
        if (stored > 0)
        {
            inPlanArea = (await connection.QueryAsync<string>(Command(ObservationWriterSql.IndicatorsInArea, new { area = PlanReport.PlanArea }, transaction, cancellationToken))).ToList();
            // Conflicting repeats left the stage unstored, so then only the stage knows each indicator's latest stored period.
            await (rejects.Count > 0
                ? ExecuteAsync(connection, transaction, ObservationWriterSql.UpdateLatestPeriodsFromStage, new { sourceId }, cancellationToken)
                : UpdateLatestPeriodsAsync(connection, transaction, sourceId, staged.LatestPeriodEnds, cancellationToken));
            await FigureChanges.NotifyAsync(connection, transaction, recordedAt, cancellationToken);
        }

        return new WriteSummary(
            staged.RowsRead, stored, unchanged,
            rejects.Where(c => c.Kind == "error").Sum(c => c.Count),
            rejects.Where(c => c.Kind != "error").Sum(c => c.Count),
            staged.Skipped) { IndicatorsInPlanArea = inPlanArea };
    }

    private static async Task<(int Stored, int Unchanged, List<(string Kind, int Count)> Rejects)> MergeAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Staged staged, object args, CancellationToken cancellationToken)
    {
        if (staged.Observations > 0 && !await ScalarAsync<bool>(connection, transaction, ObservationWriterSql.FirstKeyExists, args, cancellationToken))
        {
            // Probably a first load. If a key turns out to be repeated or stored already, the savepoint
            // undoes the partial insert and the merge below decides row by row.
            await transaction.SaveAsync("first_load", cancellationToken);
            try
            {
                var inserted = await ExecuteAsync(connection, transaction, ObservationWriterSql.InsertNew, args, cancellationToken);
                await transaction.ReleaseAsync("first_load", cancellationToken);
                return (inserted, 0, await InsertRejectsAsync(connection, transaction, staged, args, cancellationToken));
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                await transaction.RollbackAsync("first_load", cancellationToken);
            }
        }

        // Most payloads state each key once; then the merge needs no de-duplicating sort of the stage.
        if (staged.Observations > 0 && !await ScalarAsync<bool>(connection, transaction, ObservationWriterSql.HasDuplicateKeys, args, cancellationToken))
        {
            var stored = await ScalarAsync<int>(connection, transaction, ObservationWriterSql.Merge(deduplicate: false), args, cancellationToken);
            return (stored, staged.Observations - stored, await InsertRejectsAsync(connection, transaction, staged, args, cancellationToken));
        }

        var rejectCounts = await QueryCountsAsync(connection, transaction, ObservationWriterSql.InsertRejectsAndConflicts, args, cancellationToken);
        var incoming = await ScalarAsync<int>(connection, transaction, ObservationWriterSql.CountKeys, args, cancellationToken);
        var storedOnce = await ScalarAsync<int>(connection, transaction, ObservationWriterSql.Merge(deduplicate: true), args, cancellationToken);
        return (storedOnce, incoming - storedOnce, rejectCounts);
    }

    /// <summary>What was staged; per indicator also the end of the latest period, counted while streaming.</summary>
    private sealed record Staged(int RowsRead, int Observations, int Rejections, int Skipped, Dictionary<string, DateOnly> LatestPeriodEnds);

    private static async Task<List<(string Kind, int Count)>> InsertRejectsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Staged staged, object args, CancellationToken cancellationToken) =>
        staged.Rejections > 0 ? await QueryCountsAsync(connection, transaction, ObservationWriterSql.InsertRejects, args, cancellationToken) : [];

    private static async Task<List<(string Kind, int Count)>> QueryCountsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, object args, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<(string Kind, int Count)>(Command(sql, args, transaction, cancellationToken))).ToList();

    private static Task<int> UpdateLatestPeriodsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string sourceId, Dictionary<string, DateOnly> latest, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, transaction, ObservationWriterSql.UpdateLatestPeriods,
            new { sourceId, codes = latest.Keys.ToArray(), ends = latest.Values.ToArray() }, cancellationToken);

    private static Task<int> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, object args, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(Command(sql, args, transaction, cancellationToken));

    private static Task<T?> ScalarAsync<T>(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, object args, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<T>(Command(sql, args, transaction, cancellationToken));

    /// <summary>
    /// These statements take as long as the payload is big (minutes for millions of rows), so they have no
    /// client timeout (Npgsql's default is 30 s); the run's cancellation token still stops them.
    /// </summary>
    private static CommandDefinition Command(string sql, object args, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        new(sql, args, transaction, commandTimeout: 0, cancellationToken: cancellationToken);

    private static async Task<Staged> CopyToStageAsync(
        NpgsqlConnection connection, IEnumerable<(Observation? Observation, Rejection? Rejection)> mapped, CancellationToken cancellationToken)
    {
        int rowsRead = 0, observations = 0, skipped = 0;
        var latest = new Dictionary<string, DateOnly>(StringComparer.Ordinal);
        await using var copy = await connection.BeginBinaryImportAsync(ObservationWriterSql.CopyStage, cancellationToken);
        foreach (var (observation, rejection) in mapped)
        {
            cancellationToken.ThrowIfCancellationRequested();
            rowsRead++;
            if (rejection is { Kind: RejectKind.Skipped })
            {
                // Left out on purpose (logically deleted, a sub-item not tracked): counted, not kept row by row.
                skipped++;
                continue;
            }

            // Synchronous writes fill Npgsql's buffer without a task per field; only a full buffer waits for the socket.
            copy.StartRow();
            copy.Write((long)rowsRead, NpgsqlDbType.Bigint);
            if (observation is not null)
            {
                observations++;
                CountLatest(latest, observation);

                copy.Write("obs", NpgsqlDbType.Text);
                copy.Write(observation.IndicatorCode, NpgsqlDbType.Text);
                copy.Write(observation.AreaCode, NpgsqlDbType.Text);
                copy.Write(observation.Period.Id, NpgsqlDbType.Text);
                copy.Write(observation.Period.TypeName, NpgsqlDbType.Text);
                copy.Write(observation.Period.End, NpgsqlDbType.Date);
                copy.Write(observation.Value, NpgsqlDbType.Numeric);
                copy.Write(observation.Status.ToText(), NpgsqlDbType.Text);
                copy.Write(observation.Location, NpgsqlDbType.Text);
                copy.WriteNull();
                copy.WriteNull();
                copy.WriteNull();
            }
            else
            {
                var r = rejection!;
                copy.Write(r.KindText, NpgsqlDbType.Text);
                for (var i = 0; i < 7; i++)
                {
                    copy.WriteNull();
                }

                copy.Write(r.Location, NpgsqlDbType.Text);
                copy.Write(r.Field, NpgsqlDbType.Text);
                WriteTextOrNull(copy, r.RawValue);
                copy.Write(r.Reason, NpgsqlDbType.Text);
            }
        }

        await copy.CompleteAsync(cancellationToken);
        return new Staged(rowsRead, observations, rowsRead - observations - skipped, skipped, latest);
    }
}
