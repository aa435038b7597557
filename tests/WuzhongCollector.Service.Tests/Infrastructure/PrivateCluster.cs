using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using WuzhongCollector.Service.Database;

namespace WuzhongCollector.Service.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL cluster of one test class's own, which its tests stop and start (pg_ctl) without
/// disturbing the shared test cluster. Stopped when disposed; the folder is kept for the next run.
/// </summary>
public sealed class PrivateCluster : IAsyncDisposable
{
    private readonly EmbeddedPostgres embedded;

    private PrivateCluster(EmbeddedPostgres embedded) => this.embedded = embedded;

    public int Port => embedded.Port;

    public static async Task<PrivateCluster> StartAsync(string name)
    {
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(AppContext.BaseDirectory)))[..12];
        var options = new EmbeddedPostgresOptions
        {
            DataDirectory = Path.Combine("/var/tmp/wuzhong-collector-tests", $"{key}-{name}"),
            Unsafe = true,
        };
        var embedded = new EmbeddedPostgres(options, AppContext.BaseDirectory, NullLogger.Instance);
        await embedded.EnsureRunningAsync("postgres", CancellationToken.None);
        return new PrivateCluster(embedded);
    }

    /// <summary>A fresh database owned by the application role; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}";
        await embedded.EnsureDatabaseAsync(name, CancellationToken.None);
        return embedded.ConnectionString(name);
    }

    /// <summary>pg_ctl stop -m fast: every session is ended with 57P01, as in a server restart.</summary>
    public Task StopAsync() => embedded.StopAsync();

    public Task StartAsync() => embedded.EnsureRunningAsync("postgres", CancellationToken.None);

    public ValueTask DisposeAsync() => new(embedded.StopAsync());
}
