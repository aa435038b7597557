using System.Net.Sockets;
using Npgsql;

namespace WuzhongCollector.Service.Database;

/// <summary>
/// PostgreSQL down when the service starts: the service waits and says so, with a growing pause between
/// tries (so a long outage does not flood the log), up to <see cref="CollectorOptions.DatabaseStartupTimeout"/>.
/// Then it stops with <see cref="DatabaseUnavailableException"/>, whose message names the server. Errors that
/// waiting cannot fix (wrong password, no such database) stop start-up at once.
/// </summary>
public static class DatabaseStartup
{
    private static readonly TimeSpan MaxPause = TimeSpan.FromSeconds(10);

    public static async Task WaitUntilReachableAsync(NpgsqlDataSource dataSource, TimeSpan timeout, TimeProvider timeProvider, ILogger logger, CancellationToken cancellationToken)
    {
        var server = Describe(dataSource.ConnectionString);
        var started = timeProvider.GetTimestamp();
        var pause = TimeSpan.FromSeconds(1);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                if (attempt > 1)
                {
                    logger.LogWarning("PostgreSQL at {Server} answered after {Waited:0.#} s; starting", server, timeProvider.GetElapsedTime(started).TotalSeconds);
                }

                return;
            }
            catch (Exception ex) when (IsUnreachable(ex))
            {
                var waited = timeProvider.GetElapsedTime(started);
                if (waited >= timeout)
                {
                    throw new DatabaseUnavailableException(
                        $"PostgreSQL at {server} did not answer within {timeout.TotalSeconds:0} s ({Reason(ex)}). "
                        + "Start the server, or fix ConnectionStrings__Collector; Collector__DatabaseStartupTimeout sets how long to wait.", ex);
                }

                var next = pause < timeout - waited ? pause : timeout - waited;
                logger.LogWarning(
                    "PostgreSQL at {Server} is not reachable ({Reason}); waiting for it: try {Attempt}, next in {Pause:0.#} s, {Waited:0} of {Timeout:0} s",
                    server, Reason(ex), attempt, next.TotalSeconds, waited.TotalSeconds, timeout.TotalSeconds);
                await Task.Delay(next, timeProvider, cancellationToken);
                pause = pause + pause < MaxPause ? pause + pause : MaxPause;
            }
        }
    }

    /// <summary>Connection refused, reset, timed out, or the server still starting or shutting down (57P03/57P01).</summary>
    private static bool IsUnreachable(Exception ex) => ex switch
    {
        PostgresException p => p.SqlState is PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown,
        NpgsqlException { InnerException: SocketException or IOException or TimeoutException } => true,
        NpgsqlException n => n.IsTransient,
        SocketException or TimeoutException => true,
        _ => false,
    };

    private static string Reason(Exception ex) => (ex.InnerException as SocketException)?.Message ?? ex.Message;

    private static string Describe(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{builder.Host}:{builder.Port} (database {builder.Database})";
    }
}

/// <summary>The database stayed unreachable for the whole start-up wait.</summary>
public sealed class DatabaseUnavailableException(string message, Exception inner) : Exception(message, inner);
