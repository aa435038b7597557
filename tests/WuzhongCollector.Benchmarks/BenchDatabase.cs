using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using WuzhongCollector.Service.Database;

namespace WuzhongCollector.Benchmarks;

/// <summary>
/// Where the benchmark's databases live: by default a private cluster made by the service's own
/// <see cref="EmbeddedPostgres"/> with the service's default settings (durable, not the tests' fsync=off),
/// so the numbers are the service's. Each scenario gets a fresh database.
/// </summary>
public sealed class BenchDatabase(Func<string, Task<string>> createDatabase, string? adminConnectionString, EmbeddedPostgres? startedCluster)
{
    private int counter;

    /// <summary>One cluster per checkout, so benchmarks of two checkouts on one machine never stop each other's cluster.</summary>
    public static string DataDirectory =>
        "/var/tmp/wuzhong-collector-bench-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Data.BenchConfig.RepoRoot())))[..8];

    public static async Task<BenchDatabase> StartPrivateClusterAsync(CancellationToken cancellationToken)
    {
        var cluster = new EmbeddedPostgres(
            new EmbeddedPostgresOptions { DataDirectory = DataDirectory }, AppContext.BaseDirectory, NullLogger.Instance);
        await cluster.EnsureRunningAsync("postgres", cancellationToken);
        return new BenchDatabase(
            async name =>
            {
                await cluster.EnsureDatabaseAsync(name, cancellationToken);
                return cluster.ConnectionString(name);
            },
            cluster.AdminConnectionString,
            cluster.StartedHere ? cluster : null);
    }

    /// <summary>A new empty database; the name says which scenario made it.</summary>
    public Task<string> CreateAsync(string scenario) =>
        createDatabase($"bench_{scenario}_{Interlocked.Increment(ref counter)}_{Guid.NewGuid().ToString("N")[..8]}");

    /// <summary>
    /// Flushes dirty pages before a timed step, so one step does not pay for the previous one's checkpoint.
    /// Needs a superuser; without one, timings are a little noisier.
    /// </summary>
    public async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        if (adminConnectionString is null)
        {
            return;
        }

        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("CHECKPOINT", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Drops a scenario's database once measured, so a full run does not fill the disk.</summary>
    public async Task DropAsync(string connectionString, CancellationToken cancellationToken)
    {
        if (adminConnectionString is null)
        {
            return;
        }

        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<string> ServerVersionAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT current_setting('server_version') || ', shared_buffers ' || current_setting('shared_buffers') || ', work_mem ' || current_setting('work_mem') || ', fsync ' || current_setting('fsync') || ', synchronous_commit ' || current_setting('synchronous_commit')", connection);
        return (string)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task StopAsync()
    {
        if (startedCluster is not null)
        {
            await startedCluster.StopAsync();
        }
    }
}
