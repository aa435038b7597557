using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using WuzhongCollector.Core.Reporting;
using WuzhongCollector.Service.Collection;
using WuzhongCollector.Service.Plan;

namespace WuzhongCollector.Service.Reporting;

public sealed record StoredReport(long RunId, string Outcome, WriteSummary Counts, int Confirmed);

/// <summary>
/// Stores a confirmed report as a run of the department's built-in source <c>report:&lt;department&gt;</c>, on the
/// path of every run: the payload archived by its SHA-256, figures through the set-based writer (a changed figure is
/// a new vintage, nothing is overwritten), rejects kept, the run record, the submission with its user, and the
/// progress snapshot, all in one transaction.
/// </summary>
public sealed class ReportStore(NpgsqlDataSource dataSource, ProgressSnapshot progressSnapshot, IOptions<CollectorOptions> collector, ILogger<ReportStore> logger)
{
    /// <summary>Stands where a source file's hash stands in a run record: the template's layout version.</summary>
    public const string ConfigHash = "report-template-v1";

    /// <summary>Null when another submission of the department is being stored right now.</summary>
    public async Task<StoredReport?> StoreAsync(CheckedReport report, string user, DateTimeOffset submittedAt, bool sample, CancellationToken cancellationToken)
    {
        // PostgreSQL takes timestamps in UTC only.
        submittedAt = submittedAt.ToUniversalTime();
        var obligation = report.Obligation;
        var sourceId = ReportTemplate.SourceId(obligation.Department);
        var payload = report.Payload;
        var origin = $"{payload.FileName}（{(sample ? "示例数据 sample" : user)}）";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // The lock of every run of a source: two submissions of one department never interleave.
        if (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT pg_try_advisory_lock(hashtext('source:' || @sourceId))", new { sourceId }, cancellationToken: cancellationToken)))
        {
            return null;
        }

        try
        {
            var runId = await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
                INSERT INTO run (source_id, started_at, outcome, origin, config_hash) VALUES (@sourceId, @submittedAt, 'running', @origin, @ConfigHash) RETURNING id
                """, new { sourceId, submittedAt, origin, ConfigHash }, cancellationToken: cancellationToken));
            try
            {
                return await WriteAsync(connection, report, runId, sourceId, user, submittedAt, sample, cancellationToken);
            }
            catch (Exception ex)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE run SET finished_at = now(), outcome = 'failed-unexpected', failure_class = 'unexpected', error = @error WHERE id = @runId",
                    new { error = $"{ex.GetType().Name}: {ex.Message}", runId }, cancellationToken: CancellationToken.None));
                logger.LogError(ex, "Storing the report of {Department} {Period} failed (run {RunId})", obligation.Department, obligation.Period.Id, runId);
                throw;
            }
        }
        finally
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(hashtext('source:' || @sourceId))", new { sourceId }, cancellationToken: CancellationToken.None));
        }
    }

    private async Task<StoredReport> WriteAsync(NpgsqlConnection connection, CheckedReport report, long runId, string sourceId, string user,
        DateTimeOffset submittedAt, bool sample, CancellationToken cancellationToken)
    {
        var result = report.Result;
        var payload = report.Payload.Payload;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await PayloadArchive.ArchiveAsync(connection, transaction, sourceId, payload, submittedAt, collector.Value.ArchiveMaxBytes, cancellationToken);
        var written = await ObservationWriter.WriteAsync(connection, transaction, sourceId, runId, payload.Sha256, submittedAt, result.ToWrite, cancellationToken);
        var confirmed = result.Count(ReportChange.Unchanged);
        var counts = written with { RowsRead = result.Lines.Count, Unchanged = written.Unchanged + confirmed };
        var outcome = counts.Rejected > 0 ? "partial" : counts.Stored > 0 ? "succeeded" : "unchanged";
        string[] steps =
        [
            $"{report.Payload.Channel} by {user}: {report.Obligation.Department} {report.Obligation.Period.Id}, payload {payload.Sha256[..12]}",
            $"read {counts.RowsRead} rows: {counts.Stored} stored, {counts.Unchanged} unchanged ({confirmed} confirmed as current), {counts.Rejected} rejected, {counts.Missing} not filled",
        ];
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE run SET finished_at = @submittedAt, outcome = @outcome, steps = @steps, payload_sha256 = @Sha256,
                rows_read = @RowsRead, stored = @Stored, unchanged = @Unchanged, rejected = @Rejected, missing = @Missing
            WHERE id = @runId;
            INSERT INTO report_submission (run_id, department, period, submitted_by, submitted_at, channel, file_name, payload_sha256, delivered, sample)
            VALUES (@runId, @Department, @period, @user, @submittedAt, @Channel, @FileName, @Sha256, @delivered, @sample);
            """, new
        {
            submittedAt, outcome, steps, payload.Sha256, counts.RowsRead, counts.Stored, counts.Unchanged, counts.Rejected, counts.Missing, runId,
            report.Obligation.Department, period = report.Obligation.Period.Id, user, report.Payload.Channel, report.Payload.FileName,
            delivered = result.Delivered.ToArray(), sample,
        }, transaction, cancellationToken: cancellationToken));
        await progressSnapshot.TryWriteAsync(connection, transaction, counts.IndicatorsInPlanArea, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Report of {Department} {Period} by {User}: run {RunId} {Outcome}, {Stored} stored, {Unchanged} unchanged, {Rejected} rejected",
            report.Obligation.Department, report.Obligation.Period.Id, user, runId, outcome, counts.Stored, counts.Unchanged, counts.Rejected);
        return new StoredReport(runId, outcome, counts, confirmed);
    }
}
