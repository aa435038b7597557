using Dapper;
using Npgsql;
using WuzhongCollector.Service.Collection;

namespace WuzhongCollector.Service.Sources;

public sealed record PauseState(string SourceId, bool Paused, string? Reason, DateTime? PausedAt, string? PausedBy);

/// <summary>
/// Pauses and resumes sources from the CLI, the API and the failure alerts. The state lives in the database
/// (source_control), so every instance and the next start see it; the recurring job stays, never due.
/// </summary>
public sealed class SourcePauses(NpgsqlDataSource dataSource, RecurringJobSync sync, TimeProvider timeProvider, ILogger<SourcePauses> logger)
{
    /// <summary>Pauses a registered source; null when there is no such source.</summary>
    public async Task<PauseState?> PauseAsync(string sourceId, string reason, string by, CancellationToken cancellationToken)
    {
        if (!await IsRegisteredAsync(sourceId, cancellationToken))
        {
            return null;
        }

        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO source_control (source_id, paused, reason, paused_at, paused_by) VALUES (@sourceId, true, @reason, @now, @by)
                ON CONFLICT (source_id) DO UPDATE SET paused = true, reason = excluded.reason, paused_at = excluded.paused_at, paused_by = excluded.paused_by
                """, new { sourceId, reason, now = timeProvider.GetUtcNow(), by }, cancellationToken: cancellationToken));
        }

        await sync.ApplyPauseAsync(sourceId, cancellationToken);
        logger.LogWarning("Source {Source} paused by {By}: {Reason}", sourceId, by, reason);
        return await StateAsync(sourceId, cancellationToken);
    }

    /// <summary>
    /// Lifts a CLI, API or automatic pause and restarts the failure count. A pause written in the source file
    /// stays until the file changes; the returned state says so.
    /// </summary>
    public async Task<PauseState?> ResumeAsync(string sourceId, string by, CancellationToken cancellationToken)
    {
        if (!await IsRegisteredAsync(sourceId, cancellationToken))
        {
            return null;
        }

        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO source_control (source_id, paused, resumed_at, resumed_by) VALUES (@sourceId, false, @now, @by)
                ON CONFLICT (source_id) DO UPDATE SET paused = false, resumed_at = excluded.resumed_at, resumed_by = excluded.resumed_by
                """, new { sourceId, now = timeProvider.GetUtcNow(), by }, cancellationToken: cancellationToken));
        }

        await sync.ApplyPauseAsync(sourceId, cancellationToken);
        var state = await StateAsync(sourceId, cancellationToken);
        logger.LogInformation("Source {Source} resumed by {By}{Still}", sourceId, by, state!.Paused ? $"; still paused: {state.Reason}" : string.Empty);
        return state;
    }

    public async Task<PauseState?> StateAsync(string sourceId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<PauseState>(new CommandDefinition(
            "SELECT id AS SourceId, paused, paused_reason AS Reason, paused_at AS PausedAt, paused_by AS PausedBy FROM source WHERE id = @sourceId AND removed_at IS NULL",
            new { sourceId }, cancellationToken: cancellationToken));
    }

    private async Task<bool> IsRegisteredAsync(string sourceId, CancellationToken cancellationToken) =>
        await StateAsync(sourceId, cancellationToken) is not null;
}
