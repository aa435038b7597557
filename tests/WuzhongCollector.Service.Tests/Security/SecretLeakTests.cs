using Microsoft.Extensions.Logging;
using WuzhongCollector.Service.Cli;

namespace WuzhongCollector.Service.Tests.Security;

/// <summary>
/// Plants a secret in the environment, uses it in a URL path, query and header of sources that succeed,
/// retry, get rejected records and fail, then searches everything a person or program can see for it.
/// </summary>
public sealed class SecretLeakTests : IDisposable
{
    private readonly TestConfig config = new();
    private readonly string name = "LEAK_" + Guid.NewGuid().ToString("N").ToUpperInvariant();
    private readonly string value = "s3cr3t-" + Guid.NewGuid().ToString("N");

    public SecretLeakTests() => Environment.SetEnvironmentVariable("WUZHONG_SECRET_" + name, value);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("WUZHONG_SECRET_" + name, null);
        config.Dispose();
    }

    [Fact]
    public async Task PlantedSecret_NeverAppearsInJobsDashboardLogsApiCliErrorsOrRejects()
    {
        var received = new List<string>();
        await using var server = await LoopbackServer.StartAsync((call, context) =>
        {
            lock (received)
            {
                received.Add($"{context.Request.Path}{context.Request.QueryString} {context.Request.Headers["X-App-Key"]}");
            }

            // The good endpoint fails once (a retry with its reason), then answers with one rejected record.
            return context.Request.Path.StartsWithSegments("/bad", StringComparison.Ordinal)
                ? LoopbackServer.Json(context, """{"error":"key refused"}""", StatusCodes.Status401Unauthorized)
                : call == 1 ? LoopbackServer.Json(context, "{}", 503) : LoopbackServer.Json(context, Samples.HttpRecords);
        });
        var secret = $"{{secret:{name}}}";
        config.WriteSource("good", Samples.Http($"{server.BaseUrl}/good/{secret}/data?appkey={secret}", retries: 1)
            .Replace("  records: data", $"  records: data\n  headers:\n    X-App-Key: \"{secret}\"", StringComparison.Ordinal));
        config.WriteSource("bad", Samples.Http($"{server.BaseUrl}/bad/{secret}?appkey={secret}")
            .Replace("  records: data", $"  records: data\n  headers:\n    X-App-Key: \"{secret}\"", StringComparison.Ordinal));
        var logs = new CapturedLogs();
        var cliOutput = new StringWriter();
        await using var host = await CollectorHost.StartAsync(config,
            settings: Samples.Fast(("Logging:LogLevel:Default", "Trace"), ("Logging:LogLevel:System.Net.Http.HttpClient", "Trace"), ("Logging:LogLevel:Hangfire", "Trace"), ("Collector:RetryDelaysSeconds:0", "0")),
            configure: b => b.Logging.AddProvider(logs));
        await host.WaitForRecurringAsync(new Dictionary<string, string> { ["good"] = "0 * * * *", ["bad"] = "0 * * * *" });

        var goodJob = host.Trigger("good");
        var badJob = host.Trigger("bad");
        Assert.Equal("Succeeded", (await host.WaitForJobAsync(goodJob, "Succeeded", "Failed")).State);
        Assert.Equal("Failed", (await host.WaitForJobAsync(badJob, "Succeeded", "Failed")).State);
        var cliSettings = new Dictionary<string, string?> { ["Collector:ConfigDirectory"] = config.Directory, ["ConnectionStrings:Collector"] = host.ConnectionString };
        foreach (var args in new[] { ["validate"], ["check", "good"], ["check", "bad"], ["run", "bad"], new[] { "run", "good" } })
        {
            await CliCommands.RunAsync(args, cliOutput, CancellationToken.None, cliSettings);
        }

        // The secret was really sent, in path, query and header alike.
        Assert.Contains($"/good/{value}/data?appkey={value} {value}", received);
        Assert.Contains($"/bad/{value}?appkey={value} {value}", received);
        Assert.Equal(1, await host.ScalarAsync<long>("SELECT count(*) FROM reject"));
        Assert.Contains("HTTP 401", await host.ScalarAsync<string>("SELECT error FROM run WHERE source_id = 'bad' ORDER BY id LIMIT 1"), StringComparison.Ordinal);

        var places = new Dictionary<string, string>
        {
            ["database (every table, hangfire's included)"] = await EveryRowAsync(host),
            ["logs"] = logs.All,
            ["CLI output"] = cliOutput.ToString(),
        };
        var jobIds = await host.QueryAsync<long>("SELECT id FROM hangfire.job");
        var runIds = await host.QueryAsync<long>("SELECT id FROM run");
        var pages = new[] { "/hangfire", "/hangfire/recurring", "/hangfire/jobs/succeeded", "/hangfire/jobs/failed", "/hangfire/jobs/scheduled", "/hangfire/servers", "/hangfire/retries" }
            .Concat(jobIds.Select(id => $"/hangfire/jobs/details/{id}"))
            .Concat(["/api/sources", "/api/runs", "/api/config/errors", "/api/indicators", "/metrics", "/healthz", "/openapi/v1.json"])
            .Concat(runIds.Select(id => $"/api/runs/{id}/rejects"));
        foreach (var page in pages)
        {
            places[page] = await host.Http.GetStringAsync(page);
        }

        Assert.True(places.Count > 20);
        // What is shown is the reference, never the value.
        Assert.Contains($"/good/{{secret:{name}}}/data", places["/api/runs"], StringComparison.Ordinal);
        Assert.Empty(places.Where(p => p.Value.Contains(value, StringComparison.Ordinal)).Select(p => p.Key));
        Assert.Contains(logs.Entries, e => e.Text.Contains("HTTP 401", StringComparison.Ordinal));
    }

    private static async Task<string> EveryRowAsync(CollectorHost host)
    {
        var tables = await host.QueryAsync<(string Schema, string Table)>(
            "SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema IN ('public', 'hangfire') AND table_type = 'BASE TABLE'");
        var text = new System.Text.StringBuilder();
        foreach (var (schema, table) in tables)
        {
            foreach (var row in await host.QueryAsync<string>($"SELECT t::text FROM \"{schema}\".\"{table}\" t"))
            {
                text.AppendLine(row);
            }
        }

        return text.ToString();
    }
}
