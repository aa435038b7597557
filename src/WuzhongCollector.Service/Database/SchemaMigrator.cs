using Dapper;
using Npgsql;

namespace WuzhongCollector.Service.Database;

/// <summary>
/// Applies the numbered scripts in Database/Schema once each, in order. Instances starting together are
/// serialised by a lock on the script table, so no script runs twice. Not an advisory lock: any role that may
/// connect, the analysts' included, can take any advisory key and hold it, and every start-up would wait for it.
/// The table lock's mode needs the owner's privileges and does not conflict with the analysts' reads.
/// </summary>
public static class SchemaMigrator
{
    /// <summary>Applies every script not applied yet; with <c>before</c>, only those whose names sort before it (tests build an older schema to upgrade).</summary>
    public static async Task MigrateAsync(NpgsqlDataSource dataSource, ILogger logger, CancellationToken cancellationToken, string? before = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "CREATE TABLE IF NOT EXISTS schema_script (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())", cancellationToken: cancellationToken));
        }
        catch (PostgresException)
        {
            // IF NOT EXISTS is not atomic: an instance creating the table at the same moment makes this one fail on
            // the table, its row type or its index (42P07, 42710, 23505). Whatever the code, the table is there now.
            if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT to_regclass('schema_script') IS NULL", cancellationToken: cancellationToken)))
            {
                throw;
            }
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Conflicts with itself and with writes, not with reads; only the table's owner may take it.
        await connection.ExecuteAsync(new CommandDefinition("LOCK TABLE schema_script IN SHARE ROW EXCLUSIVE MODE", transaction: transaction, cancellationToken: cancellationToken));
        var applied = (await connection.QueryAsync<string>(new CommandDefinition("SELECT name FROM schema_script", transaction: transaction, cancellationToken: cancellationToken))).ToHashSet();

        var assembly = typeof(SchemaMigrator).Assembly;
        const string prefix = "WuzhongCollector.Service.Database.Schema.";
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var name = resource[prefix.Length..];
            if (applied.Contains(name) || (before is not null && string.CompareOrdinal(name, before) >= 0))
            {
                continue;
            }

            await using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            var sql = await reader.ReadToEndAsync(cancellationToken);
            logger.LogInformation("Applying schema script {Script}", name);
            await connection.ExecuteAsync(new CommandDefinition(sql, transaction: transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition("INSERT INTO schema_script (name) VALUES (@name)", new { name }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
