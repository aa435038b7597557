using Microsoft.Extensions.Logging.Abstractions;
using WuzhongCollector.Service.Database;

namespace WuzhongCollector.Service.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL server the tests use: WUZHONG_TEST_CONNECTION (a superuser connection string) if set,
/// else a private cluster started once per test process from the machine's binaries and stopped at exit.
/// Each test gets a database of its own, so tests run in parallel.
/// </summary>
public static class TestServer
{
    private static readonly Lazy<Task<EmbeddedPostgres?>> Cluster = new(StartAsync);
    private static int counter;

    public static async Task<string> CreateDatabaseAsync(string prefix)
    {
        var embedded = await Cluster.Value;
        var name = $"{prefix}_{Interlocked.Increment(ref counter)}_{Guid.NewGuid():N}".ToLowerInvariant();
        if (embedded is not null)
        {
            await embedded.EnsureDatabaseAsync(name, CancellationToken.None);
            return embedded.ConnectionString(name);
        }

        var admin = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable("WUZHONG_TEST_CONNECTION"));
        await using (var connection = new NpgsqlConnection(admin.ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'", connection);
            await create.ExecuteNonQueryAsync();
        }

        admin.Database = name;
        return admin.ConnectionString;
    }

    public static async Task<EmbeddedPostgres?> EmbeddedAsync() => await Cluster.Value;

    /// <summary>
    /// The analysts' read-only role on a test database, as an analyst signs in: with the role's own password on the
    /// private cluster; on WUZHONG_TEST_CONNECTION's server, as that server lets the role in.
    /// </summary>
    public static async Task<string> AnalystConnectionStringAsync(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return await Cluster.Value is { } embedded
            ? embedded.AnalystConnectionString(builder.Database!)
            : new NpgsqlConnectionStringBuilder(connectionString) { Username = "wuzhong_analyst", Password = null, Pooling = false }.ConnectionString;
    }

    private static async Task<EmbeddedPostgres?> StartAsync()
    {
        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("WUZHONG_TEST_CONNECTION")))
        {
            return null;
        }

        var options = new EmbeddedPostgresOptions
        {
            DataDirectory = Path.Combine("/var/tmp/wuzhong-collector-tests", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(AppContext.BaseDirectory)))[..12]),
            Unsafe = true,
        };
        var embedded = new EmbeddedPostgres(options, AppContext.BaseDirectory, NullLogger.Instance);
        await embedded.EnsureRunningAsync("postgres", CancellationToken.None);
        if (embedded.StartedHere)
        {
            embedded.StopWhenProcessExits(Environment.ProcessId);
        }

        return embedded;
    }
}
