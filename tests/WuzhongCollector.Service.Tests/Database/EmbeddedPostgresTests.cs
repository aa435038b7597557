using Microsoft.Extensions.Logging.Abstractions;
using WuzhongCollector.Service.Database;

namespace WuzhongCollector.Service.Tests.Database;

public sealed class EmbeddedPostgresTests
{
    [EmbeddedFact]
    public async Task EnsureRunning_ClusterIsUtf8WithCUtf8_AndKeepsChineseText()
    {
        var embedded = await TestServer.EmbeddedAsync();
        await using var connection = new NpgsqlConnection(embedded!.AdminConnectionString);
        await connection.OpenAsync();

        var (encoding, collate) = await connection.QuerySingleAsync<(string, string)>(
            "SELECT pg_encoding_to_char(encoding), datcollate FROM pg_database WHERE datname = 'template1'");
        var echoed = await connection.ExecuteScalarAsync<string>("SELECT @text", new { text = "数字经济核心产业增加值（亿元）" });

        Assert.Equal(("UTF8", "C.UTF-8"), (encoding, collate));
        Assert.Equal("数字经济核心产业增加值（亿元）", echoed);
    }

    [EmbeddedFact]
    public async Task EnsureRunning_SecondStart_ReusesTheRunningCluster()
    {
        var first = await TestServer.EmbeddedAsync();
        var second = new EmbeddedPostgres(new EmbeddedPostgresOptions { DataDirectory = first!.Root }, "unused", NullLogger.Instance);
        var connectionString = await second.EnsureRunningAsync("reuse_check", CancellationToken.None);

        Assert.False(second.StartedHere);
        Assert.Equal(first.Port, second.Port);
        await using var connection = new NpgsqlConnection(connectionString);
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT 1"));
    }

    [Fact]
    public async Task Migrate_ThreeInstancesAtOnce_ApplyEachScriptOnce()
    {
        var connectionString = await TestServer.CreateDatabaseAsync("migrate");
        await using var dataSource = NpgsqlDataSource.Create(connectionString);

        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => SchemaMigrator.MigrateAsync(dataSource, NullLogger.Instance, CancellationToken.None)));

        await using var connection = await dataSource.OpenConnectionAsync();
        var scripts = (await connection.QueryAsync<string>("SELECT name FROM schema_script")).ToList();
        Assert.Equal(scripts.Distinct().Count(), scripts.Count);
        Assert.Contains("001_core.sql", scripts);
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM information_schema.tables WHERE table_name = 'observation'"));
    }
}
