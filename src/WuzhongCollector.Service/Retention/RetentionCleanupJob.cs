using System.ComponentModel;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using WuzhongCollector.Service.Collection;

namespace WuzhongCollector.Service.Retention;

public sealed record RetentionSummary(int RunsDeleted, int RejectsDeleted, int PayloadsEmptied);

/// <summary>
/// Expires the run log and the bytes of old archived payloads. Never touches observations, nor what their
/// provenance points at: a run that stored a vintage and the hash, size and origin of every payload stay.
/// Do not rename this type or <see cref="RunAsync"/>: Hangfire persists both names in stored jobs.
/// </summary>
public sealed class RetentionCleanupJob(NpgsqlDataSource dataSource, IOptions<RetentionOptions> options, TimeProvider timeProvider, ILogger<RetentionCleanupJob> logger)
{
    /// <summary>Source ids cannot hold ':', so this id never collides with a source's recurring job.</summary>
    public const string RecurringJobId = RecurringJobSync.SystemJobPrefix + "retention";

    [DisplayName("Retention cleanup")]
    public async Task<RetentionSummary> RunAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var args = new { now, runCutoff = now - options.Value.RunLog, payloadCutoff = now - options.Value.PayloadContent };
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rejects = await connection.ExecuteAsync(new CommandDefinition("""
            DELETE FROM reject j USING run r
            WHERE j.run_id = r.id AND r.finished_at < @runCutoff
            """, args, transaction, cancellationToken: cancellationToken));
        var runs = await connection.ExecuteAsync(new CommandDefinition("""
            DELETE FROM run r
            WHERE r.finished_at < @runCutoff
              AND NOT EXISTS (SELECT 1 FROM observation o WHERE o.run_id = r.id)
              AND NOT EXISTS (SELECT 1 FROM source_state s WHERE s.last_run_id = r.id)
            """, args, transaction, cancellationToken: cancellationToken));
        // Old payloads keep bytes in payload.content, newer ones in gzip chunks (050); both go, the row stays.
        var payloads = await connection.ExecuteScalarAsync<int>(new CommandDefinition("""
            WITH expired AS (
                UPDATE payload p SET content = NULL, archive = NULL, content_dropped_at = @now
                WHERE p.fetched_at < @payloadCutoff AND (p.content IS NOT NULL OR p.archive IS NOT NULL)
                  AND NOT EXISTS (SELECT 1 FROM source_state s WHERE s.last_payload_sha256 = p.sha256)
                RETURNING p.sha256
            ), chunks AS (
                DELETE FROM payload_chunk c USING expired e WHERE c.sha256 = e.sha256
            )
            SELECT count(*)::int FROM expired
            """, args, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Retention: deleted {Runs} runs and {Rejects} rejects, emptied {Payloads} archived payloads", runs, rejects, payloads);
        return new RetentionSummary(runs, rejects, payloads);
    }
}
