using Dapper;
using Npgsql;

namespace WuzhongCollector.Service.Collection;

/// <summary>
/// One run per source at a time, across every instance: the run holds its source's row of <c>source_lock</c>
/// FOR UPDATE in a transaction of its own connection. A row lock needs UPDATE on the table, which only the
/// service's role has, so the analysts' role cannot take it (an advisory lock it could). The lock dies with its
/// connection, so a crashed or killed run never leaves it behind.
/// </summary>
public sealed class SourceLock : IAsyncDisposable
{
    private readonly NpgsqlConnection connection;
    private readonly NpgsqlTransaction transaction;

    private SourceLock(NpgsqlConnection connection, NpgsqlTransaction transaction) => (this.connection, this.transaction) = (connection, transaction);

    /// <summary>The lock, or null when another run of the source holds it.</summary>
    public static async Task<SourceLock?> TryTakeAsync(NpgsqlDataSource dataSource, string sourceId, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            // DO NOTHING does not wait for a row another run has locked.
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO source_lock (source_id) VALUES (@sourceId) ON CONFLICT DO NOTHING", new { sourceId }, cancellationToken: cancellationToken));
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            // The transaction idles for the whole run; a server-wide idle timeout would end it and free the lock mid-run.
            await connection.ExecuteAsync(new CommandDefinition("SET LOCAL idle_in_transaction_session_timeout = 0", transaction: transaction, cancellationToken: cancellationToken));
            if (await connection.ExecuteScalarAsync<int?>(new CommandDefinition(
                "SELECT 1 FROM source_lock WHERE source_id = @sourceId FOR UPDATE SKIP LOCKED", new { sourceId }, transaction, cancellationToken: cancellationToken)) is null)
            {
                await connection.DisposeAsync();
                return null;
            }

            return new SourceLock(connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Ends the transaction; a connection the database already lost has freed the lock with it.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await transaction.RollbackAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
        }

        await connection.DisposeAsync();
    }
}
