using Dapper;
using Npgsql;
using NpgsqlTypes;
using WuzhongCollector.Core.Normalisation;
using WuzhongCollector.Service.Caching;

namespace WuzhongCollector.Service.Collection;

/// <summary>What a run read and did: <see cref="Skipped"/> records a rule of the mapping left out are counted, never stored as rejects.</summary>
public sealed record WriteSummary(int RowsRead, int Stored, int Unchanged, int Rejected, int Missing, int Skipped = 0);

/// <summary>
/// The set-based write path: every mapped record and reject streams through one binary COPY into a
/// temporary stage, then a single merge adds a vintage only where value or status changed: each figure is
/// written once, to observation_latest, and a vintage it replaces moves to observation_superseded. Runs inside
/// the caller's transaction, so observations, rejects and the run record commit together or not at all.
/// </summary>
public static class ObservationWriter
{
    /// <summary>
    /// Every path that stores figures comes through here, so here the change is announced: the notification
    /// joins the caller's transaction and reaches every instance's answer cache when, and only if, it commits.
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
        await ExecuteAsync(connection, transaction, ObservationWriterSql.CreateStage, new { }, cancellationToken);
        var staged = await CopyToStageAsync(connection, mapped, cancellationToken);
        var args = new { sourceId, runId, payloadSha256, recordedAt };
        var (stored, unchanged, rejects) = await MergeAsync(connection, transaction, staged, args, cancellationToken);
        if (stored > 0)
        {
            // Conflicting repeats left the stage unstored, so then only the stage knows each indicator's latest stored period.
            var latest = rejects.Count > 0 || staged.Observations == 0 ? null : staged.LatestPeriodEnds;
            await ExecuteAsync(connection, transaction, ObservationWriterSql.UpdateLatestPeriods,
                new { sourceId, fromStage = latest is null, codes = latest?.Keys.ToArray() ?? [], ends = latest?.Values.ToArray() ?? [] }, cancellationToken);
            await FigureChanges.NotifyAsync(connection, transaction, recordedAt, cancellationToken);
        }

        return new WriteSummary(
            staged.RowsRead, stored, unchanged,
            rejects.Where(c => c.Kind == "error").Sum(c => c.Count),
            rejects.Where(c => c.Kind != "error").Sum(c => c.Count),
            staged.Skipped);
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

    /// <summary>
    /// The indicators the last <see cref="WriteAsync"/> in this transaction stated figures for in
    /// <paramref name="areaCode"/>, read from its stage (which lives until the transaction ends).
    /// </summary>
    public static async Task<IReadOnlyList<string>> IndicatorsInAreaAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string areaCode, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<string>(Command(ObservationWriterSql.IndicatorsInArea, new { area = areaCode }, transaction, cancellationToken))).ToList();

    /// <summary>What was staged; per indicator also the end of the latest period, counted while streaming.</summary>
    private sealed record Staged(int RowsRead, int Observations, int Rejections, int Skipped, Dictionary<string, DateOnly> LatestPeriodEnds);

    private static async Task<List<(string Kind, int Count)>> InsertRejectsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Staged staged, object args, CancellationToken cancellationToken) =>
        staged.Rejections > 0 ? await QueryCountsAsync(connection, transaction, ObservationWriterSql.InsertRejects, args, cancellationToken) : [];

    private static async Task<List<(string Kind, int Count)>> QueryCountsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, object args, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<(string Kind, int Count)>(Command(sql, args, transaction, cancellationToken))).ToList();

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

            await copy.StartRowAsync(cancellationToken);
            await copy.WriteAsync((long)rowsRead, NpgsqlDbType.Bigint, cancellationToken);
            if (observation is not null)
            {
                observations++;
                if (!latest.TryGetValue(observation.IndicatorCode, out var end) || observation.Period.End > end)
                {
                    latest[observation.IndicatorCode] = observation.Period.End;
                }

                await copy.WriteAsync("obs", NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(observation.IndicatorCode, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(observation.AreaCode, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(observation.Period.Id, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(observation.Period.TypeName, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(observation.Period.End, NpgsqlDbType.Date, cancellationToken);
                await copy.WriteAsync(observation.Value, NpgsqlDbType.Numeric, cancellationToken);
                await copy.WriteAsync(observation.Status.ToText(), NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(observation.Location, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteNullAsync(cancellationToken);
                await copy.WriteNullAsync(cancellationToken);
                await copy.WriteNullAsync(cancellationToken);
            }
            else
            {
                var r = rejection!;
                await copy.WriteAsync(r.KindText, NpgsqlDbType.Text, cancellationToken);
                for (var i = 0; i < 7; i++)
                {
                    await copy.WriteNullAsync(cancellationToken);
                }

                await copy.WriteAsync(r.Location, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(r.Field, NpgsqlDbType.Text, cancellationToken);
                await Nullable(copy, r.RawValue, cancellationToken);
                await copy.WriteAsync(r.Reason, NpgsqlDbType.Text, cancellationToken);
            }
        }

        await copy.CompleteAsync(cancellationToken);
        return new Staged(rowsRead, observations, rowsRead - observations - skipped, skipped, latest);
    }

    private static Task Nullable(NpgsqlBinaryImporter copy, string? value, CancellationToken cancellationToken) =>
        value is null ? copy.WriteNullAsync(cancellationToken) : copy.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);
}
