using Npgsql;

namespace WuzhongCollector.Service.Database;

/// <summary>Finds the database: the configured connection string, or else the private embedded cluster.</summary>
public static class CollectorDatabase
{
    public const string ConnectionName = "Collector";

    public static async Task<(string ConnectionString, EmbeddedPostgres? Embedded)> ResolveAsync(
        IConfiguration configuration, IHostEnvironment environment, ILogger logger, CancellationToken cancellationToken)
    {
        var configured = configuration.GetConnectionString(ConnectionName);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            logger.LogInformation("Using the configured PostgreSQL server {Host}", new NpgsqlConnectionStringBuilder(configured).Host);
            return (configured, null);
        }

        var options = configuration.GetSection(EmbeddedPostgresOptions.SectionName).Get<EmbeddedPostgresOptions>() ?? new EmbeddedPostgresOptions();
        var embedded = new EmbeddedPostgres(options, environment.ContentRootPath, logger);
        var connectionString = await embedded.EnsureRunningAsync("collector", cancellationToken);
        return (connectionString, embedded);
    }
}
