using Dapper;
using Hangfire;
using Hangfire.Storage;
using Npgsql;
using WuzhongCollector.Core.Sources;
using WuzhongCollector.Service.Demo;
using WuzhongCollector.Service.Sources;

namespace WuzhongCollector.Service.Collection;

/// <summary>
/// Makes Hangfire's recurring jobs match the source files: one job per source, id = source id, removed
/// when its file goes. A paused source (by its file, the CLI, the API or automatically) keeps its job,
/// never due, so it stays visible on the dashboard with its reason.
/// </summary>
public sealed class RecurringJobSync(
    SourceRegistry registry,
    IRecurringJobManager recurringJobs,
    JobStorage storage,
    NpgsqlDataSource dataSource,
    SelfAddress self,
    TimeProvider timeProvider,
    ILogger<RecurringJobSync> logger) : IDisposable
{
    private const int RegistrationParallelism = 8;

    // Start-up and hot reload may sync at the same moment; one at a time keeps removals and additions in order.
    private readonly SemaphoreSlim gate = new(1, 1);

    // The ids the last sync scheduled: a source added to the registry but not yet synced is not "missing".
    private IReadOnlyCollection<string> scheduled = [];

    /// <summary>Prefix of the service's own recurring jobs, which no source file can produce and sync leaves alone.</summary>
    public const string SystemJobPrefix = "system:";

    public async Task SyncAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            await SyncAllAsync(cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Puts back a recurring job that was removed outside the service (the dashboard's Delete) while its source
    /// file is still there, and says so: the files decide what is scheduled, and a paused source is the way to stop one.
    /// </summary>
    public async Task RestoreRemovedJobsAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            using var storageConnection = storage.GetConnection();
            var present = storageConnection.GetAllItemsFromSet("recurring-jobs");
            var removed = scheduled.Where(id => !present.Contains(id)).Order(StringComparer.Ordinal).ToList();
            if (removed.Count == 0)
            {
                return;
            }

            foreach (var id in removed)
            {
                logger.LogWarning("Recurring job {Source} was removed outside the service (the dashboard's Delete?) while its file is in config/sources; "
                    + "it is restored. To stop a source, pause it", id);
            }

            await SyncAllAsync(cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();

    private async Task SyncAllAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var controls = (await connection.QueryAsync<Pause>(new CommandDefinition(
            "SELECT source_id AS SourceId, reason, paused_at AS At, paused_by AS By FROM source_control WHERE paused", cancellationToken: cancellationToken)))
            .ToDictionary(p => p.SourceId, StringComparer.Ordinal);

        // Each source costs a few storage round trips and commits; in parallel (each job id has its own
        // Hangfire lock) 1,000 sources register in seconds instead of tens of seconds.
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = RegistrationParallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(registry.Sources.Values, parallel, async (source, ct) =>
        {
            await using var sourceConnection = await dataSource.OpenConnectionAsync(ct);
            var pause = controls.GetValueOrDefault(source.Id) ?? ConfigPause(source, now);
            Schedule(source.Id, source.Schedule.Cron, source.Schedule.TimeZone, pause);
            await sourceConnection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO source (id, name, kind, cron, time_zone, config_hash, paused, paused_reason, paused_at, paused_by, registered_at)
                VALUES (@Id, @Name, @KindText, @Cron, @TimeZone, @ConfigHash, @paused, @reason, @pausedAt, @pausedBy, @now)
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, cron = excluded.cron, time_zone = excluded.time_zone,
                    config_hash = excluded.config_hash, paused = excluded.paused, paused_reason = excluded.paused_reason, paused_by = excluded.paused_by,
                    paused_at = CASE WHEN source.paused AND source.paused_by IS NOT DISTINCT FROM excluded.paused_by THEN source.paused_at ELSE excluded.paused_at END,
                    registered_at = CASE WHEN source.config_hash = excluded.config_hash THEN source.registered_at ELSE excluded.registered_at END,
                    removed_at = NULL
                """, new
            {
                source.Id, source.Name, source.KindText, source.Schedule.Cron, source.Schedule.TimeZone, source.ConfigHash,
                paused = pause is not null, reason = pause?.Reason, pausedAt = pause?.At, pausedBy = pause?.By, now,
            }, cancellationToken: ct));
        });

        using var storageConnection = storage.GetConnection();
        foreach (var stale in storageConnection.GetRecurringJobs().Where(j => !registry.Sources.ContainsKey(j.Id) && !j.Id.StartsWith(SystemJobPrefix, StringComparison.Ordinal)))
        {
            logger.LogInformation("Removing recurring job {Source}: its source file is gone or has never been valid", stale.Id);
            // Marked removed first, so no reader sees the job gone while the source still reads as scheduled.
            await connection.ExecuteAsync(new CommandDefinition("UPDATE source SET removed_at = @now WHERE id = @Id AND removed_at IS NULL", new { now, stale.Id }, cancellationToken: cancellationToken));
            recurringJobs.RemoveIfExists(stale.Id);
        }

        await SaveConfigErrorsAsync(connection, now, cancellationToken);
        scheduled = registry.Sources.Keys.ToList();
        logger.LogInformation("Scheduled {Count} sources", registry.Sources.Count);
    }

    /// <summary>
    /// Applies a pause or resume of one source to its recurring job and source row. Works from the source row
    /// when this process has no valid definition (the CLI may lack the source's secrets, which pausing does not need).
    /// </summary>
    public async Task ApplyPauseAsync(string sourceId, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<(string Cron, string TimeZone, bool Paused, string? Reason, DateTime? At, string? By)>(new CommandDefinition(
            "SELECT cron, time_zone, paused, paused_reason, paused_at, paused_by FROM source WHERE id = @sourceId AND removed_at IS NULL",
            new { sourceId }, cancellationToken: cancellationToken));
        if (row.Cron is null)
        {
            throw new InvalidOperationException($"source '{sourceId}' is not registered (is its file in config/sources and has the service read it?)");
        }

        var control = await connection.QuerySingleOrDefaultAsync<Pause>(new CommandDefinition(
            "SELECT source_id AS SourceId, reason, paused_at AS At, paused_by AS By FROM source_control WHERE source_id = @sourceId AND paused",
            new { sourceId }, cancellationToken: cancellationToken));
        var definition = registry.Find(sourceId);
        var configPause = definition is not null
            ? ConfigPause(definition, now)
            : row.Paused && row.By is "file" or "demo" ? new Pause(sourceId, row.Reason, row.At ?? now.UtcDateTime, row.By!) : null;
        var pause = control ?? configPause;
        Schedule(sourceId, definition?.Schedule.Cron ?? row.Cron, definition?.Schedule.TimeZone ?? row.TimeZone, pause);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE source SET paused = @paused, paused_reason = @Reason, paused_at = @At, paused_by = @By WHERE id = @sourceId",
            new { sourceId, paused = pause is not null, pause?.Reason, pause?.At, pause?.By }, cancellationToken: cancellationToken));
    }

    /// <summary>Triggers the sources that have never run and are not paused.</summary>
    public async Task TriggerNewSourcesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var fresh = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT id FROM source s WHERE removed_at IS NULL AND NOT paused AND NOT EXISTS (SELECT 1 FROM run r WHERE r.source_id = s.id)",
            cancellationToken: cancellationToken));
        foreach (var id in fresh)
        {
            logger.LogInformation("Triggering {Source}: it has never run", id);
            recurringJobs.Trigger(id);
        }
    }

    private void Schedule(string sourceId, string cron, string timeZone, Pause? pause)
    {
        TimeZones.TryResolve(timeZone, out var zone);
        recurringJobs.AddOrUpdate<CollectSourceJob>(
            sourceId,
            job => job.RunAsync(sourceId, CancellationToken.None),
            pause is null ? cron : Cron.Never(),
            new RecurringJobOptions { TimeZone = zone, MisfireHandling = MisfireHandlingMode.Relaxed });
    }

    private async Task SaveConfigErrorsAsync(NpgsqlConnection connection, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM source_config_error", transaction: transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO source_config_error (source_id, file, line, field, message, detected_at) VALUES (@sourceId, @File, @Line, @Field, @Message, @now)
            """, registry.Errors.Select(e => new { sourceId = SourceRegistry.SourceIdOf(e.File), e.File, e.Line, e.Field, e.Message, now }),
            transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    private Pause? ConfigPause(SourceDefinition source, DateTimeOffset now)
    {
        if (source.Paused)
        {
            return new Pause(source.Id, source.PausedReason ?? "paused in its source file", now.UtcDateTime, "file");
        }

        return source.Http?.Url.Contains(SelfAddress.Placeholder, StringComparison.Ordinal) == true && !self.DemoEnabled
            ? new Pause(source.Id, "demo source: its endpoint is served only when Collector:DemoEndpoints is on (Development)", now.UtcDateTime, "demo")
            : null;
    }

    private sealed record Pause(string SourceId, string? Reason, DateTime At, string By);
}
