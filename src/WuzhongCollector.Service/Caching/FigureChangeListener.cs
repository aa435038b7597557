using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace WuzhongCollector.Service.Caching;

/// <summary>
/// Holds a connection that LISTENs for <see cref="FigureChanges"/> and drops the answers each change affects.
/// PostgreSQL does not keep notifications for a listener that is gone, so a lost connection drops every answer
/// and stops keeping new ones until LISTEN is back; retries back off from 1 s to 30 s.
/// </summary>
public sealed class FigureChangeListener(
    NpgsqlDataSource dataSource, AnswerCache cache, IOptions<AnswerCacheOptions> options, TimeProvider timeProvider, ILogger<FigureChangeListener> logger)
    : BackgroundService
{
    /// <summary>Shown in pg_stat_activity, so ops can tell this connection from the pool's.</summary>
    public const string ApplicationName = "wuzhong-figure-listener";

    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        var retry = FirstRetry;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, e) => cache.Invalidate(FigureChanges.RecordedFrom(e.Payload));
                await connection.ExecuteAsync(new CommandDefinition(
                    $"SET application_name = '{ApplicationName}'; LISTEN {FigureChanges.Channel}", cancellationToken: stoppingToken));
                cache.StartListening();
                logger.LogInformation("Listening for figure changes: read API answers are kept until figures change");
                retry = FirstRetry;
                while (true)
                {
                    if (!await connection.WaitAsync(options.Value.ListenerCheckInterval, stoppingToken))
                    {
                        await connection.ExecuteAsync(new CommandDefinition("SELECT 1", cancellationToken: stoppingToken));
                    }
                }
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                cache.StopListening();
                logger.LogWarning(ex, "Not listening for figure changes; read API answers come from the database until it works again (next try in {Retry})", retry);
                try
                {
                    await Task.Delay(retry, timeProvider, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LongestRetry.Ticks));
            }
        }
    }
}
