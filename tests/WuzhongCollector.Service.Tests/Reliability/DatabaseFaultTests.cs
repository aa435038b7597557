using System.Net;
using System.Net.Sockets;
using Xunit.Abstractions;

namespace WuzhongCollector.Service.Tests.Reliability;

/// <summary>PostgreSQL stops under a running import, or is not there when the service starts.</summary>
[Trait("Category", "Reliability")]
public sealed class DatabaseFaultTests(ITestOutputHelper output) : IDisposable
{
    private readonly TestConfig config = new();

    public void Dispose() => config.Dispose();

    [EmbeddedFact]
    public async Task PostgresRestart_MidImport_RunFailsAsTransient_IsRetried_AndStoresEveryRowOnce()
    {
        await using var cluster = await PrivateCluster.StartAsync("outage");
        var database = new TestDatabase(await cluster.CreateDatabaseAsync("restart"));
        var file = LargeCsv.Write(config, "exports/big.csv", areas: 1_200);
        config.WriteSource("big-export", file.SourceYaml());
        await using var host = await CollectorHost.StartAsync(config, database.ConnectionString, new Dictionary<string, string?>
        {
            ["Collector:TriggerNewSourcesOnStart"] = "true",
            ["Collector:InvisibilityTimeout"] = "00:00:30",
        });

        await database.WaitUntilMidImportAsync(rows: 10_000);
        await cluster.StopAsync();
        await cluster.StartAsync();
        var runs = await Eventually.Async(async () =>
        {
            var list = await RunsAsync(database);
            return list.Any(r => r.Outcome == "succeeded") ? list : null;
        }, seconds: 90);
        output.WriteLine(string.Join(Environment.NewLine, runs));

        Assert.Equal(["failed-transient", "succeeded"], runs.Select(r => r.Outcome));
        Assert.Equal([1, 2], runs.Select(r => r.Attempt));
        Assert.Equal(runs[0].JobId, runs[1].JobId);
        Assert.StartsWith("database unavailable", runs[0].Error, StringComparison.Ordinal);
        var retry = await database.ScalarAsync<string>(
            "SELECT reason FROM hangfire.state WHERE jobid = @id::bigint AND name = 'Scheduled' ORDER BY id LIMIT 1", new { id = runs[0].JobId });
        Assert.StartsWith("Retry attempt 1 of 3: database unavailable", retry, StringComparison.Ordinal);
        var stored = await database.QuerySingleAsync<(long Rows, long Keys, decimal Sum)>(
            "SELECT count(*), count(DISTINCT (indicator_code, area_code, period)), sum(value) FROM observation");
        Assert.Equal((file.Rows, file.Rows, file.Sum), (stored.Rows, stored.Keys, stored.Sum));
    }

    [EmbeddedFact]
    public async Task Start_PostgresDown_WaitsSayingSo_AndStartsWhenItComesUp()
    {
        await using var cluster = await PrivateCluster.StartAsync("outage");
        var connectionString = await cluster.CreateDatabaseAsync("late");
        config.WriteSource("gxj-csv", """
            kind: csv
            schedule: { cron: "0 2 * * *" }
            file: { path: a.csv }
            mapping: { indicator: { const: DC_NEW_PUE }, period: p, value: v }
            """);
        await cluster.StopAsync();

        await using var service = ServiceProcess.Start(connectionString, config.Directory);
        var waiting = await service.WaitForOutputAsync("is not reachable", seconds: 60);
        await cluster.StartAsync();
        await service.WaitForOutputAsync("WuzhongCollector is up", seconds: 60);
        output.WriteLine(waiting);

        Assert.Contains($"PostgreSQL at 127.0.0.1:{cluster.Port} (database late_", waiting, StringComparison.Ordinal);
        Assert.Contains("waiting for it: try 1", waiting, StringComparison.Ordinal);
        Assert.Contains("answered after", service.Output, StringComparison.Ordinal);
        Assert.False(service.HasExited);
        Assert.Equal(["gxj-csv"], await new TestDatabase(connectionString).QueryAsync<string>("SELECT id FROM source"));
    }

    [Fact]
    public async Task Start_PostgresNeverAnswers_StopsWithAClearMessageAfterTheWait()
    {
        var port = UnusedPort();
        config.WriteSource("gxj-csv", """
            kind: csv
            schedule: { cron: "0 2 * * *" }
            file: { path: a.csv }
            mapping: { indicator: { const: DC_NEW_PUE }, period: p, value: v }
            """);

        await using var service = ServiceProcess.Start($"Host=127.0.0.1;Port={port};Username=collector;Database=nowhere", config.Directory,
            new Dictionary<string, string> { ["Collector__DatabaseStartupTimeout"] = "00:00:03" });
        var exitCode = await service.WaitForExitAsync(seconds: 60);
        output.WriteLine(service.Output);

        Assert.Equal(3, exitCode);
        Assert.Contains($"PostgreSQL at 127.0.0.1:{port} (database nowhere) is not reachable", service.Output, StringComparison.Ordinal);
        Assert.Contains(
            $"PostgreSQL at 127.0.0.1:{port} (database nowhere) did not answer within 3 s (Connection refused). Start the server, or fix ConnectionStrings__Collector",
            service.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", service.Output, StringComparison.Ordinal);
    }

    private static async Task<List<RunRow>> RunsAsync(TestDatabase database) =>
        await database.QueryAsync<RunRow>("SELECT outcome, attempt, job_id AS jobid, error FROM run ORDER BY id");

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record RunRow(string Outcome, int Attempt, string? JobId, string? Error);
}
