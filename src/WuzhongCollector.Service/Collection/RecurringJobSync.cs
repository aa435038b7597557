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
/// when its file goes. A paused source keeps its job, never due, so it stays visible on the dashboard.
/// </summary>
public sealed class RecurringJobSync(
    SourceRegistry registry,
    IRecurringJobManager recurringJobs,
    JobStorage storage,
    NpgsqlDataSource dataSource,
    SelfAddress self,
    TimeProvider timeProvider,
    ILogger<RecurringJobSync> logger)
{
    /// <summary>Prefix of the service's own recurring jobs, which no source file can produce and sync leaves alone.</summary>
    public const string SystemJobPrefix = "system:";

    public async Task SyncAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        foreach (var source in registry.Sources.Values)
        {
            var pausedReason = PausedReason(source);
            TimeZones.TryResolve(source.Schedule.TimeZone, out var zone);
            recurringJobs.AddOrUpdate<CollectSourceJob>(
                source.Id,
                job => job.RunAsync(source.Id, CancellationToken.None),
                pausedReason is null ? source.Schedule.Cron : Cron.Never(),
                new RecurringJobOptions { TimeZone = zone, MisfireHandling = MisfireHandlingMode.Relaxed });
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO source (id, name, kind, cron, time_zone, config_hash, paused, paused_reason, registered_at)
                VALUES (@Id, @Name, @KindText, @Cron, @TimeZone, @ConfigHash, @paused, @pausedReason, @now)
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, cron = excluded.cron, time_zone = excluded.time_zone,
                    config_hash = excluded.config_hash, paused = excluded.paused, paused_reason = excluded.paused_reason,
                    registered_at = CASE WHEN source.config_hash = excluded.config_hash THEN source.registered_at ELSE excluded.registered_at END,
                    removed_at = NULL
                """, new { source.Id, source.Name, source.KindText, source.Schedule.Cron, source.Schedule.TimeZone, source.ConfigHash, paused = pausedReason is not null, pausedReason, now },
                cancellationToken: cancellationToken));
        }

        using var storageConnection = storage.GetConnection();
        foreach (var stale in storageConnection.GetRecurringJobs().Where(j => !registry.Sources.ContainsKey(j.Id) && !j.Id.StartsWith(SystemJobPrefix, StringComparison.Ordinal)))
        {
            logger.LogInformation("Removing recurring job {Source}: its source file is gone", stale.Id);
            recurringJobs.RemoveIfExists(stale.Id);
            await connection.ExecuteAsync(new CommandDefinition("UPDATE source SET removed_at = @now WHERE id = @Id AND removed_at IS NULL", new { now, stale.Id }, cancellationToken: cancellationToken));
        }

        logger.LogInformation("Scheduled {Count} sources", registry.Sources.Count);
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

    private string? PausedReason(SourceDefinition source)
    {
        if (source.Paused)
        {
            return source.PausedReason ?? "paused in its source file";
        }

        return source.Http?.Url.Contains(SelfAddress.Placeholder, StringComparison.Ordinal) == true && !self.DemoEnabled
            ? "demo source: its endpoint is served only when Collector:DemoEndpoints is on (Development)"
            : null;
    }
}
