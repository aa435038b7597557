using Npgsql;
using NpgsqlTypes;
using WuzhongCollector.Core.Normalisation;
using WuzhongCollector.Service.Caching;
using WuzhongCollector.Service.Plan;

namespace WuzhongCollector.Service.Collection;

/// <summary>
/// A source's first load streams straight into observation_latest: the server inserts while the client still
/// reads and maps the file, instead of both taking turns (COPY into the stage, then a sorted insert from it);
/// on two cores that halves the load. It gives way to the stage path, which reads the payload again, when a key
/// is repeated or stored already (a unique violation) or when more rejects come than it holds in memory.
/// </summary>
public static partial class ObservationWriter
{
    /// <summary>Rejects a first load holds until its figures are in; past this many it gives way to the stage.</summary>
    internal const int FirstLoadHeldRejects = 10_000;

    private static async Task<WriteSummary?> TryFirstLoadAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string sourceId, long runId, string? payloadSha256, DateTimeOffset recordedAt,
        IEnumerable<(Observation? Observation, Rejection? Rejection)> mapped, CancellationToken cancellationToken)
    {
        int rowsRead = 0, stored = 0, skipped = 0;
        var rejects = new List<Rejection>();
        var latest = new Dictionary<string, DateOnly>(StringComparer.Ordinal);
        var inPlanArea = new SortedSet<string>(StringComparer.Ordinal);
        var recordedAtUtc = recordedAt.UtcDateTime;
        await transaction.SaveAsync("first_load", cancellationToken);
        bool complete;
        try
        {
            complete = await CopyAsync();
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            complete = false;
        }

        if (!complete)
        {
            await transaction.RollbackAsync("first_load", cancellationToken);
            return null;
        }

        await transaction.ReleaseAsync("first_load", cancellationToken);
        await InsertHeldRejectsAsync(connection, sourceId, runId, rejects, cancellationToken);
        if (stored > 0)
        {
            await UpdateLatestPeriodsAsync(connection, transaction, sourceId, latest, cancellationToken);
            await FigureChanges.NotifyAsync(connection, transaction, recordedAt, cancellationToken);
        }

        return new WriteSummary(rowsRead, stored, 0, rejects.Count(r => r.Kind == RejectKind.Error), rejects.Count(r => r.Kind != RejectKind.Error), skipped)
        {
            IndicatorsInPlanArea = [.. inPlanArea],
        };

        async Task<bool> CopyAsync()
        {
            // Disposed without CompleteAsync, the importer cancels the COPY, and the savepoint undoes it.
            await using var copy = await connection.BeginBinaryImportAsync(ObservationWriterSql.CopyLatest, cancellationToken);
            foreach (var (observation, rejection) in mapped)
            {
                cancellationToken.ThrowIfCancellationRequested();
                rowsRead++;
                if (observation is null)
                {
                    if (rejection!.Kind == RejectKind.Skipped)
                    {
                        skipped++;
                        continue;
                    }

                    if (rejects.Count == FirstLoadHeldRejects)
                    {
                        return false;
                    }

                    rejects.Add(rejection);
                    continue;
                }

                stored++;
                CountLatest(latest, observation);
                if (observation.AreaCode == PlanReport.PlanArea)
                {
                    inPlanArea.Add(observation.IndicatorCode);
                }

                // Synchronous writes fill Npgsql's buffer without a task per field; only a full buffer waits for the socket.
                copy.StartRow();
                copy.Write(observation.IndicatorCode, NpgsqlDbType.Text);
                copy.Write(observation.AreaCode, NpgsqlDbType.Text);
                copy.Write(observation.Period.Id, NpgsqlDbType.Text);
                copy.Write(sourceId, NpgsqlDbType.Text);
                copy.Write(1, NpgsqlDbType.Integer);
                copy.Write(observation.Period.TypeName, NpgsqlDbType.Text);
                copy.Write(observation.Period.End, NpgsqlDbType.Date);
                copy.Write(observation.Value, NpgsqlDbType.Numeric);
                copy.Write(observation.Status.ToText(), NpgsqlDbType.Text);
                copy.Write(runId, NpgsqlDbType.Bigint);
                copy.Write(recordedAtUtc, NpgsqlDbType.TimestampTz);
                WriteTextOrNull(copy, payloadSha256);
                WriteTextOrNull(copy, observation.Location);
            }

            await copy.CompleteAsync(cancellationToken);
            return true;
        }
    }

    /// <summary>The rejects in file order, as the stage path inserts them.</summary>
    private static async Task InsertHeldRejectsAsync(NpgsqlConnection connection, string sourceId, long runId, List<Rejection> rejects, CancellationToken cancellationToken)
    {
        if (rejects.Count == 0)
        {
            return;
        }

        await using var copy = await connection.BeginBinaryImportAsync(ObservationWriterSql.CopyRejects, cancellationToken);
        foreach (var r in rejects)
        {
            copy.StartRow();
            copy.Write(runId, NpgsqlDbType.Bigint);
            copy.Write(sourceId, NpgsqlDbType.Text);
            copy.Write(r.KindText, NpgsqlDbType.Text);
            copy.Write(r.Location, NpgsqlDbType.Text);
            copy.Write(r.Field, NpgsqlDbType.Text);
            WriteTextOrNull(copy, r.RawValue);
            copy.Write(r.Reason, NpgsqlDbType.Text);
        }

        await copy.CompleteAsync(cancellationToken);
    }

    private static void CountLatest(Dictionary<string, DateOnly> latest, Observation observation)
    {
        if (!latest.TryGetValue(observation.IndicatorCode, out var end) || observation.Period.End > end)
        {
            latest[observation.IndicatorCode] = observation.Period.End;
        }
    }

    private static void WriteTextOrNull(NpgsqlBinaryImporter copy, string? value)
    {
        if (value is null)
        {
            copy.WriteNull();
        }
        else
        {
            copy.Write(value, NpgsqlDbType.Text);
        }
    }
}
