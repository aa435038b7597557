using System.ComponentModel;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using WuzhongCollector.Core.Normalisation;
using WuzhongCollector.Core.Sources;
using WuzhongCollector.Service.Caching;
using WuzhongCollector.Service.Collection.Connectors;
using WuzhongCollector.Service.Plan;
using WuzhongCollector.Service.Sources;

namespace WuzhongCollector.Service.Collection;

public sealed record RunSummary(long RunId, string Outcome, WriteSummary? Counts, string? Error);

/// <summary>
/// Collects one source once: fetch, archive, parse, map, normalise, write. Hangfire runs it from the
/// source's recurring job; the CLI's "run" verb calls it directly.
/// Do not rename this type or <see cref="RunAsync"/>: Hangfire persists both names in stored jobs.
/// </summary>
public sealed class CollectSourceJob(
    SourceRegistry registry,
    NpgsqlDataSource dataSource,
    IEnumerable<ISourceConnector> connectors,
    ProgressSnapshot progressSnapshot,
    AnswerCache answerCache,
    TimeProvider timeProvider,
    IOptions<CollectorOptions> options,
    ILogger<CollectSourceJob> logger)
{
    /// <summary>The job parameter that shows a run's progress on its page in the dashboard.</summary>
    public const string ProgressParameter = "Progress";

    [DisplayName("Collect {0}")]
    public async Task RunAsync(string sourceId, CancellationToken cancellationToken)
    {
        var progress = new RunProgress(timeProvider);
        RunSummary summary;
        // A run shorter than one interval writes no progress: its state in the dashboard already says what it did,
        // and each write is a storage transaction (a cycle of 1,000 sources is mostly such runs).
        await using (progress.ReportEvery(RunProgress.Interval, JobContext.SetParameter(ProgressParameter), lastLineOfShortWork: false))
        {
            summary = await CollectAsync(sourceId, cancellationToken, progress);
        }

        var counts = summary.Counts ?? new WriteSummary(0, 0, 0, 0, 0);
        logger.LogInformation("Run {RunId} of {Source}: {Outcome}, {RowsRead} rows read, {Stored} stored, {Unchanged} unchanged, {Rejected} rejected, {Missing} missing",
            summary.RunId, sourceId, summary.Outcome, counts.RowsRead, counts.Stored, counts.Unchanged, counts.Rejected, counts.Missing);
    }

    /// <summary>Collects now; <paramref name="progress"/>, when given, follows the run's stage and the records read.</summary>
    public async Task<RunSummary> CollectAsync(string sourceId, CancellationToken cancellationToken, RunProgress? progress = null)
    {
        progress ??= new RunProgress(timeProvider);
        var source = registry.Find(sourceId)
            ?? throw new PermanentSourceException($"source '{sourceId}' is not configured (was its file in config/sources removed?)");
        var connector = connectors.Single(c => c.Kind == source.Kind);

        await using var runLock = await SourceLock.TryTakeAsync(dataSource, sourceId, cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var startedAt = timeProvider.GetUtcNow();
        if (runLock is null)
        {
            var skipped = await InsertRunAsync(connection, source, startedAt, "skipped", "another run of this source is in progress", cancellationToken);
            progress.Enter("skipped");
            return new RunSummary(skipped, "skipped", null, "another run of this source is in progress");
        }

        var runId = await InsertRunAsync(connection, source, startedAt, "running", null, cancellationToken);
        var log = new RunLog();
        try
        {
            var summary = await CollectAsync(connection, connector, source, runId, startedAt, log, progress, cancellationToken);
            progress.Enter(summary.Outcome);
            return summary;
        }
        catch (Exception ex)
        {
            progress.Enter("failed");
            // An upstream may echo a token in its error: no secret reaches the run record, the log or Hangfire.
            var classified = Classify(ex, cancellationToken);
            var failure = classified with { Message = log.Redactor.Redact(classified.Message), Rethrow = RedactedException.Of(classified.Rethrow, log.Redactor) };
            await FinishFailedAsync(connection, runId, failure, log);
            if (failure.Outcome == "failed-permanent" && log.Payload is { } fetched)
            {
                await connector.SettleAsync(source, fetched, failure.Message, CancellationToken.None);
            }

            logger.LogWarning("Run {RunId} of {Source} {Outcome}: {Error}", runId, sourceId, failure.Outcome, failure.Message);
            throw failure.Rethrow;
        }
    }

    private async Task<RunSummary> CollectAsync(NpgsqlConnection connection, ISourceConnector connector, SourceDefinition source, long runId,
        DateTimeOffset startedAt, RunLog log, RunProgress progress, CancellationToken cancellationToken)
    {
        progress.Enter("fetching");
        var payload = await connector.FetchAsync(source, log, cancellationToken);
        log.Payload = payload;
        var previous = await connection.QuerySingleOrDefaultAsync<(string? Sha, string? Config, string[]? Columns)>(new CommandDefinition(
            "SELECT last_payload_sha256, last_config_hash, last_columns FROM source_state WHERE source_id = @Id", new { source.Id }, cancellationToken: cancellationToken));
        if (payload.NothingNew || (previous.Sha == payload.Sha256 && previous.Config == source.ConfigHash))
        {
            log.Step(payload.NothingNew ? $"no new file in {payload.Origin}" : $"payload {payload.Sha256[..12]} is unchanged since the last run: nothing to write");
            await FinishAsync(connection, null, runId, "unchanged", new WriteSummary(0, 0, 0, 0, 0), payload.NothingNew ? payload with { Sha256 = previous.Sha! } : payload,
                previous.Columns, log, source, cancellationToken);
            await connector.SettleAsync(source, payload, null, cancellationToken);
            return new RunSummary(runId, "unchanged", null, null);
        }

        var header = new HeaderCheck($"{source.Id}: {payload.Origin}", previous.Config == source.ConfigHash ? previous.Columns : null);
        var records = connector.Read(source, payload, cancellationToken);
        var mapper = new RecordMapper(source.Mapping, registry.Catalogue);
        var mapped = progress.Count(connector.HasHeader ? header.Check(records) : records).SelectMany(mapper.MapAll)
            .Select(m => m.Rejection is { } r
                ? (m.Observation, r with { Location = log.Redactor.Redact(r.Location), RawValue = log.Redactor.RedactOrNull(r.RawValue), Reason = log.Redactor.Redact(r.Reason) })
                : m);

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        progress.Enter("archiving");
        await PayloadArchive.ArchiveAsync(connection, transaction, source.Id, payload, startedAt, options.Value.ArchiveMaxBytes, cancellationToken);
        var counts = await ObservationWriter.WriteAsync(connection, transaction, source.Id, runId, payload.Sha256, startedAt, mapped, cancellationToken);
        var outcome = RunOutcomes.Of(counts.RowsRead, counts.Rejected);
        log.Step(outcome == "empty"
            ? "read 0 rows: the source has no data for this query"
            : $"read {counts.RowsRead} rows: {counts.Stored} stored, {counts.Unchanged} unchanged, {counts.Rejected} rejected, {counts.Missing} missing, {counts.Skipped} skipped");
        await FinishAsync(connection, transaction, runId, outcome, counts, payload, header.Columns, log, source, cancellationToken);
        progress.Enter("updating progress");
        await progressSnapshot.TryWriteAsync(connection, transaction, counts.IndicatorsInPlanArea, cancellationToken);
        progress.Enter("committing");
        await transaction.CommitAsync(cancellationToken);
        if (counts.Stored > 0)
        {
            // Every instance hears of the commit through the writer's notification; this one also drops its
            // answers now, so what reads here after the run sees the run.
            answerCache.Invalidate(startedAt);
        }

        await connector.SettleAsync(source, payload, null, cancellationToken);
        return new RunSummary(runId, outcome, counts, null);
    }

    /// <summary>
    /// Records the run. A running one holds its source's lock, so any other run of the source still marked running
    /// was left by a killed process: it becomes abandoned in the same statement.
    /// </summary>
    private async Task<long> InsertRunAsync(NpgsqlConnection connection, SourceDefinition source, DateTimeOffset startedAt, string outcome, string? error, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            WITH abandoned AS (
                UPDATE run SET outcome = 'abandoned', finished_at = @startedAt,
                    error = 'the run ended without recording its outcome: its process was killed or lost the database; nothing of it was committed'
                WHERE source_id = @Id AND outcome = 'running' AND @outcome = 'running'
            )
            INSERT INTO run (source_id, job_id, attempt, started_at, finished_at, outcome, error, config_hash, session_pid, session_started)
            VALUES (@Id, @jobId, GREATEST(@attempt, 1 + (SELECT count(*) FROM run WHERE job_id = @jobId AND outcome <> 'skipped')), @startedAt, CASE WHEN @outcome = 'running' THEN NULL ELSE @startedAt END, @outcome, @error, @ConfigHash,
                    pg_backend_pid(), (SELECT backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()))
            RETURNING id
            """, new { source.Id, jobId = JobContext.JobId, attempt = JobContext.Attempt, startedAt, outcome, error, source.ConfigHash }, cancellationToken: cancellationToken));

    private async Task FinishAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long runId, string outcome, WriteSummary counts,
        FetchedPayload payload, string[]? columns, RunLog log, SourceDefinition source, CancellationToken cancellationToken)
    {
        var finishedAt = timeProvider.GetUtcNow();
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE run SET finished_at = @finishedAt, outcome = @outcome, calls = @Calls, retries = @retries, steps = @steps, origin = @Origin,
                payload_sha256 = @Sha256, rows_read = @RowsRead, stored = @Stored, unchanged = @Unchanged, rejected = @Rejected, missing = @Missing, skipped = @Skipped
            WHERE id = @runId;
            INSERT INTO source_state (source_id, last_payload_sha256, last_config_hash, last_success_at, last_run_id, last_columns)
            VALUES (@sourceId, @Sha256, @ConfigHash, @finishedAt, @runId, @columns)
            ON CONFLICT (source_id) DO UPDATE SET last_payload_sha256 = excluded.last_payload_sha256, last_config_hash = excluded.last_config_hash,
                last_success_at = excluded.last_success_at, last_run_id = excluded.last_run_id, last_columns = excluded.last_columns;
            """, new
        {
            finishedAt, outcome, log.Calls, retries = log.Retries.ToArray(), steps = log.Steps.ToArray(), payload.Origin, payload.Sha256, counts.RowsRead, counts.Stored,
            counts.Unchanged, counts.Rejected, counts.Missing, counts.Skipped, runId, sourceId = source.Id, source.ConfigHash, columns,
        }, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Recorded outside the rolled-back write and regardless of cancellation, so no failure is silent. When the
    /// database itself went away (a restart), recording is retried for a few seconds until it is back.
    /// </summary>
    private async Task FinishFailedAsync(NpgsqlConnection connection, long runId, Failure failure, RunLog log)
    {
        const int tries = 10;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var fresh = connection.State == System.Data.ConnectionState.Open ? null : await dataSource.OpenConnectionAsync();
                await (fresh ?? connection).ExecuteAsync(new CommandDefinition("""
                    UPDATE run SET finished_at = @finishedAt, outcome = @outcome, failure_class = @failureClass, error = @error, calls = @Calls, retries = @retries, steps = @steps
                    WHERE id = @runId
                    """, new
                {
                    finishedAt = timeProvider.GetUtcNow(), outcome = failure.Outcome, failureClass = failure.Class,
                    error = failure.Message, log.Calls, retries = log.Retries.ToArray(), steps = log.Steps.ToArray(), runId,
                }));
                return;
            }
            catch (NpgsqlException ex) when (attempt < tries && (ex.IsTransient || IsConnectionLost(ex)))
            {
                await Task.Delay(TimeSpan.FromSeconds(1), timeProvider);
            }
            catch (NpgsqlException ex)
            {
                logger.LogError(ex, "Could not record the failure of run {RunId}", runId);
                return;
            }
        }
    }

    /// <summary>
    /// The socket failed, or the server said it is shutting down, crashed or starting (57P01-57P03) or the
    /// connection broke (08xxx): a restart or outage, worth a retry later.
    /// </summary>
    private static bool IsConnectionLost(NpgsqlException ex) => ex is PostgresException p
        ? p.SqlState.StartsWith("57P", StringComparison.Ordinal) || p.SqlState.StartsWith("08", StringComparison.Ordinal)
        : ex.IsTransient;

    private sealed record Failure(string Outcome, string Message, Exception Rethrow, string? Class = null);

    private static Failure Classify(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        OperationCanceledException when cancellationToken.IsCancellationRequested => new Failure("cancelled", "stopped at shutdown; nothing partial was committed", ex),
        PermanentSourceException p => new Failure("failed-permanent", p.Message, p, p.FailureClass),
        TransientSourceException t => new Failure("failed-transient", t.Message, t, t.FailureClass),
        InvalidDataException or ConfigurationException => new Failure("failed-permanent", ex.Message, new PermanentSourceException(ex.Message, ex) { FailureClass = "unreadable" }, "unreadable"),
        NpgsqlException n when IsConnectionLost(n) => new Failure("failed-transient", $"database unavailable: {n.Message}",
            new TransientSourceException($"database unavailable: {n.Message}", n) { FailureClass = "database" }, "database"),
        NpgsqlException { IsTransient: true } or TimeoutException or IOException => new Failure("failed-transient", ex.Message, new TransientSourceException(ex.Message, ex) { FailureClass = "transient" }, "transient"),
        _ => new Failure("failed-unexpected", $"{ex.GetType().Name}: {ex.Message}", ex, "unexpected"),
    };
}
