using Dapper;
using Npgsql;
using NpgsqlTypes;
using WuzhongCollector.Core.Normalisation;

namespace WuzhongCollector.Service.Collection;

public sealed record WriteSummary(int RowsRead, int Stored, int Unchanged, int Rejected, int Missing);

/// <summary>
/// The set-based write path: every mapped record and reject streams through one binary COPY into a
/// temporary stage, then a single merge adds a vintage only where value or status changed. Runs inside
/// the caller's transaction, so observations, rejects and the run record commit together or not at all.
/// </summary>
public static class ObservationWriter
{
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
        await connection.ExecuteAsync(new CommandDefinition("""
            CREATE TEMP TABLE stage_observation (
                ordinal bigint, kind text, indicator_code text, area_code text, period text, period_type text,
                period_end date, value numeric, status text, location text, field text, raw_value text, reason text
            ) ON COMMIT DROP
            """, transaction: transaction, cancellationToken: cancellationToken));

        var rowsRead = 0;
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY stage_observation (ordinal, kind, indicator_code, area_code, period, period_type, period_end, value, status, location, field, raw_value, reason) FROM STDIN (FORMAT BINARY)",
            cancellationToken))
        {
            foreach (var (observation, rejection) in mapped)
            {
                cancellationToken.ThrowIfCancellationRequested();
                rowsRead++;
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync((long)rowsRead, NpgsqlDbType.Bigint, cancellationToken);
                if (observation is not null)
                {
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
        }

        var args = new { sourceId, runId, payloadSha256, recordedAt };
        var rejectCounts = (await connection.QueryAsync<(string Kind, int Count)>(new CommandDefinition("""
            WITH conflicts AS (
                SELECT indicator_code, area_code, period
                FROM stage_observation WHERE kind = 'obs'
                GROUP BY indicator_code, area_code, period
                HAVING count(DISTINCT (value, status)) > 1
            ), removed AS (
                DELETE FROM stage_observation s USING conflicts c
                WHERE s.kind = 'obs' AND s.indicator_code = c.indicator_code AND s.area_code = c.area_code AND s.period = c.period
                RETURNING s.*
            ), conflict_rejects AS (
                SELECT 'error' AS kind, location, 'value' AS field, value::text AS raw_value,
                       'conflicting duplicate for ' || indicator_code || ' ' || area_code || ' ' || period || ': '
                       || string_agg(value::text || ' at ' || location, ' vs ') OVER (PARTITION BY indicator_code, area_code, period) AS reason,
                       ordinal
                FROM removed
            ), inserted AS (
                INSERT INTO reject (run_id, source_id, kind, location, field, raw_value, reason)
                SELECT @runId, @sourceId, kind, location, field, raw_value, reason
                FROM (SELECT kind, location, field, raw_value, reason, ordinal FROM stage_observation WHERE kind <> 'obs'
                      UNION ALL SELECT kind, location, field, raw_value, reason, ordinal FROM conflict_rejects) r
                ORDER BY ordinal
                RETURNING kind
            )
            SELECT kind, count(*)::int FROM inserted GROUP BY kind
            """, args, transaction, cancellationToken: cancellationToken))).ToList();

        var incoming = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT count(DISTINCT (indicator_code, area_code, period))::int FROM stage_observation WHERE kind = 'obs'",
            transaction: transaction, cancellationToken: cancellationToken));

        var stored = await connection.ExecuteAsync(new CommandDefinition("""
            WITH incoming AS (
                SELECT DISTINCT ON (indicator_code, area_code, period) *
                FROM stage_observation WHERE kind = 'obs'
                ORDER BY indicator_code, area_code, period, ordinal
            ), changed AS (
                INSERT INTO observation_latest AS l
                    (indicator_code, area_code, period, source_id, vintage, period_type, period_end, value, status, run_id, recorded_at, payload_sha256, location)
                SELECT indicator_code, area_code, period, @sourceId, 1, period_type, period_end, value, status, @runId, @recordedAt, @payloadSha256, location
                FROM incoming
                ON CONFLICT (indicator_code, area_code, period, source_id) DO UPDATE
                    SET vintage = l.vintage + 1, value = excluded.value, status = excluded.status, run_id = excluded.run_id,
                        recorded_at = excluded.recorded_at, payload_sha256 = excluded.payload_sha256, location = excluded.location,
                        period_type = excluded.period_type, period_end = excluded.period_end
                    WHERE l.value IS DISTINCT FROM excluded.value OR l.status IS DISTINCT FROM excluded.status
                RETURNING l.*
            )
            INSERT INTO observation
                (indicator_code, area_code, period, source_id, vintage, period_type, period_end, value, status, run_id, recorded_at, payload_sha256, location)
            SELECT indicator_code, area_code, period, source_id, vintage, period_type, period_end, value, status, run_id, recorded_at, payload_sha256, location
            FROM changed
            """, args, transaction, cancellationToken: cancellationToken));

        var rejected = rejectCounts.Where(c => c.Kind == "error").Sum(c => c.Count);
        var missing = rejectCounts.Where(c => c.Kind != "error").Sum(c => c.Count);
        return new WriteSummary(rowsRead, stored, incoming - stored, rejected, missing);
    }

    private static Task Nullable(NpgsqlBinaryImporter copy, string? value, CancellationToken cancellationToken) =>
        value is null ? copy.WriteNullAsync(cancellationToken) : copy.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);
}
