using System.Globalization;
using Dapper;
using Npgsql;

namespace WuzhongCollector.Service.Caching;

/// <summary>
/// The notification a change of stored figures sends inside its own transaction: PostgreSQL delivers it to
/// every listening instance when that transaction commits, and drops it when it rolls back.
/// </summary>
public static class FigureChanges
{
    public const string Channel = "wuzhong_figures";

    /// <summary>
    /// Announces a change inside <paramref name="transaction"/>. <paramref name="recordedFrom"/> is the earliest
    /// <c>recorded_at</c> of the changed figures: answers as of an earlier time cannot have changed. Null when
    /// anything may have changed.
    /// </summary>
    public static Task NotifyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DateTimeOffset? recordedFrom, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "SELECT pg_notify(@channel, @payload)",
            new { channel = Channel, payload = recordedFrom?.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) ?? "" },
            transaction, cancellationToken: cancellationToken));

    /// <summary>
    /// Reads a payload back; whole milliseconds rounded down, so no change is placed later than it happened.
    /// Anything else (any database user may notify) means everything may have changed.
    /// </summary>
    public static DateTimeOffset? RecordedFrom(string payload) =>
        long.TryParse(payload, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds) && milliseconds <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()
            ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds)
            : null;
}
