using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace WuzhongCollector.Service.Collection;

/// <summary>
/// Recovery after a crash (kill -9, power loss), at start and then every sixth of <see cref="CollectorOptions.ServerTimeout"/>:
/// a running run whose database session is gone reads abandoned, and a job whose Hangfire server stopped its
/// heartbeat goes back to the queue at once, instead of after the invisibility timeout. Every instance with a
/// scheduler checks; the statements are safe to run concurrently.
/// </summary>
public sealed class CrashRecovery(NpgsqlDataSource dataSource, IOptions<CollectorOptions> options, TimeProvider timeProvider, ILogger<CrashRecovery> logger)
    : BackgroundService
{
    /// <summary>
    /// A run's work happens on one session, recorded when the run starts; once that session is gone, nothing of
    /// the run can commit any more. A session of another role may hide its start time: then it counts as alive.
    /// </summary>
    private const string AbandonRunsSql = """
        UPDATE run r
        SET outcome = 'abandoned', finished_at = @now,
            error = 'the run ended without recording its outcome: its process was killed or lost the database; nothing of it was committed'
        WHERE r.outcome = 'running' AND r.session_pid IS NOT NULL
          AND NOT EXISTS (
              SELECT 1 FROM pg_stat_activity a
              WHERE a.pid = r.session_pid AND (a.backend_start IS NULL OR a.backend_start = r.session_started))
        RETURNING r.id, r.source_id, r.job_id
        """;

    /// <summary>
    /// Hangfire's own records: a job in state Processing whose server (named in that state) has sent no heartbeat
    /// for the timeout, still fetched from the queue. Its fetch or last keep-alive must be that old too, so a job
    /// another server has just fetched again is left alone; and no run of it may still hold a live session. The
    /// queue row is set back only if its fetch time is still the one read, as Hangfire's own requeue does.
    /// </summary>
    private const string RequeueJobsSql = """
        UPDATE hangfire.jobqueue q SET fetchedat = NULL
        FROM (
            SELECT q.id, q.fetchedat, q.jobid, s.data ->> 'ServerId' AS server_id
            FROM hangfire.jobqueue q
            JOIN hangfire.job j ON j.id = q.jobid
            JOIN hangfire.state s ON s.id = j.stateid
            WHERE q.fetchedat < now() - @timeout AND j.statename = 'Processing'
              AND NOT EXISTS (SELECT 1 FROM hangfire.server v WHERE v.id = s.data ->> 'ServerId' AND v.lastheartbeat >= now() - @timeout)
              AND NOT EXISTS (
                  SELECT 1 FROM run r JOIN pg_stat_activity a ON a.pid = r.session_pid
                  WHERE r.job_id = q.jobid::text AND r.outcome = 'running' AND (a.backend_start IS NULL OR a.backend_start = r.session_started))
        ) dead
        WHERE q.id = dead.id AND q.fetchedat = dead.fetchedat
        RETURNING dead.jobid, dead.server_id
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ServerTimeout / 6, timeProvider);
        do
        {
            try
            {
                await RecoverAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                logger.LogWarning("Crash recovery check failed, trying again shortly: {Error}", ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task RecoverAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var abandoned = await connection.QueryAsync<(long Id, string Source, string? JobId)>(new CommandDefinition(
            AbandonRunsSql, new { now = timeProvider.GetUtcNow() }, cancellationToken: cancellationToken));
        foreach (var run in abandoned)
        {
            logger.LogWarning("Run {RunId} of {Source} (job {JobId}) abandoned: its database session is gone", run.Id, run.Source, run.JobId);
        }

        var requeued = await connection.QueryAsync<(long JobId, string? ServerId)>(new CommandDefinition(
            RequeueJobsSql, new { timeout = options.Value.ServerTimeout }, cancellationToken: cancellationToken));
        foreach (var job in requeued)
        {
            logger.LogWarning("Job {JobId} requeued: server {Server}, which was processing it, sent no heartbeat for {Timeout}", job.JobId, job.ServerId, options.Value.ServerTimeout);
        }
    }
}
