using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using WuzhongCollector.Core.Normalisation;
using WuzhongCollector.Service.Database;
using WuzhongCollector.Service.Plan;

namespace WuzhongCollector.Service.Cli;

/// <summary>
/// <c>preview --diff</c>: what the database holds for the preview's keys, read as the API reads it (the current
/// figure of each key under the priority rule, <see cref="CurrentFigures"/>), in a read-only transaction. The
/// database is the one the service and the other verbs use: the configured one, or else the embedded cluster.
/// </summary>
internal static class PreviewDiff
{
    public static async Task<IReadOnlyDictionary<(string Indicator, string Area, string Period), CurrentFigure>> StoredAsync(
        CliContext context, IReadOnlyList<Observation> observations, CancellationToken cancellationToken)
    {
        EmbeddedPostgres? embedded = null;
        try
        {
            (var connectionString, embedded) = await CollectorDatabase.ResolveAsync(
                CliCommands.Configuration(context), CliCommands.Environment(), NullLogger.Instance, cancellationToken);
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition("SET TRANSACTION READ ONLY", transaction: transaction, cancellationToken: cancellationToken));
            var stored = new Dictionary<(string, string, string), CurrentFigure>();
            foreach (var area in observations.GroupBy(o => o.AreaCode, StringComparer.Ordinal))
            {
                var codes = area.Select(o => o.IndicatorCode).Distinct(StringComparer.Ordinal).ToList();
                var figures = await CurrentFigures.LoadAsync(connection, transaction, codes, area.Key, asOf: null, cancellationToken);
                foreach (var figure in figures.Values.SelectMany(f => f))
                {
                    stored[(figure.Indicator, figure.Area, figure.Period)] = figure;
                }
            }

            return stored;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            throw new PreviewException("--diff: the database has no collector tables yet (the service has never run on it); nothing is stored to compare with", "database");
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            throw new PreviewException($"--diff: cannot read the database: {ex.Message}", "database");
        }
        finally
        {
            // A private cluster this verb had to start is stopped again; one the service runs is left alone.
            if (embedded is { StartedHere: true, Options.StopOnExit: true })
            {
                await embedded.StopAsync();
            }
        }
    }
}
