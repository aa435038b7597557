using Dapper;
using Npgsql;

namespace WuzhongCollector.Service.Database;

/// <summary>
/// Applies the numbered scripts in Database/Schema once each, in order. Instances starting together are
/// serialised by an advisory lock, so no script runs twice.
/// </summary>
public static class SchemaMigrator
{
    private const long LockKey = 0x57757A686F6E67; // "Wuzhong"

    /// <summary>Applies every script not applied yet; with <c>before</c>, only those whose names sort before it (tests build an older schema to upgrade).</summary>
    public static async Task MigrateAsync(NpgsqlDataSource dataSource, ILogger logger, CancellationToken cancellationToken, string? before = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@LockKey)", new { LockKey }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "CREATE TABLE IF NOT EXISTS schema_script (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
            transaction: transaction, cancellationToken: cancellationToken));
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
