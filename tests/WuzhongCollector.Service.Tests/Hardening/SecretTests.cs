using Microsoft.Extensions.Logging;
using WuzhongCollector.Service.Cli;

namespace WuzhongCollector.Service.Tests.Hardening;

/// <summary>
/// A source's secrets stay with its own host: redirects are followed by the service, keeping credentials only on the
/// same scheme, host and port; and a secret an upstream echoes back is taken out of everything stored or shown.
/// Real loopback servers stand in for the upstreams.
/// </summary>
public sealed class SecretTests : IDisposable
{
    private readonly TestConfig config = new();
    private readonly string name = "ECHO_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
    // '+' and '/' change under URL and JSON encoding, so each echoed form is exercised.
    private readonly string value = "tok+en/" + Guid.NewGuid().ToString("N");

    public SecretTests() => Environment.SetEnvironmentVariable("WUZHONG_SECRET_" + name, value);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("WUZHONG_SECRET_" + name, null);
        config.Dispose();
    }

    private string Source(string url) => Samples.Http(url)
        .Replace("  records: data", $"  records: data\n  auth: {{ type: token, header: X-Token, token: \"{{secret:{name}}}\" }}", StringComparison.Ordinal);

    [Fact]
    public async Task Collect_RedirectToAnotherHost_FailsAsConfig_AndTheOtherHostGetsNothing()
    {
        await using var other = await LoopbackServer.StartAsync((_, c) => LoopbackServer.Json(c, Samples.HttpRecords));
        await using var portal = await LoopbackServer.StartAsync((_, c) =>
        {
            c.Response.StatusCode = StatusCodes.Status302Found;
            c.Response.Headers.Location = $"{other.BaseUrl}/moved/data?key=1";
            return Task.CompletedTask;
        });
        config.WriteSource("portal", Source($"{portal.BaseUrl}/data"));
        await using var host = await CollectorHost.StartAsync(config);

        var failure = await Assert.ThrowsAsync<PermanentSourceException>(() => host.CollectAsync("portal"));

        Assert.Equal("config", failure.FailureClass);
        Assert.Equal($"portal: HTTP 302 redirects to {other.BaseUrl}/moved/data, another host, scheme or port than {portal.BaseUrl}/data; "
            + "a source's credentials go to its own host only, so the redirect is not followed: set http.url to the new address if it is right", failure.Message);
        Assert.Equal(0, other.Calls);
        Assert.Equal(value, Assert.Single(portal.Requests).Headers["X-Token"]);
    }

    [Fact]
    public async Task Collect_RedirectsOnTheSameHost_KeepTheCredentials_AndAreLogged()
    {
        LoopbackServer? portal = null;
        portal = await LoopbackServer.StartAsync((_, c) =>
        {
            if (c.Request.Path == "/old")
            {
                c.Response.StatusCode = StatusCodes.Status301MovedPermanently;
                c.Response.Headers.Location = "/newer?page=1";
                return Task.CompletedTask;
            }

            return c.Request.Headers["X-Token"] == value ? LoopbackServer.Json(c, Samples.HttpRecords) : LoopbackServer.Json(c, "{}", StatusCodes.Status401Unauthorized);
        });
        await using (portal)
        {
            config.WriteSource("portal", Source($"{portal.BaseUrl}/old"));
            await using var host = await CollectorHost.StartAsync(config);

            var run = await host.CollectAsync("portal");

            Assert.Equal(("partial", 2), (run.Outcome, run.Counts!.Stored));
            Assert.Equal(["/old", "/newer?page=1"], portal.Requests.Select(r => r.PathAndQuery));
            var steps = await host.ScalarAsync<string[]>("SELECT steps FROM run WHERE id = @id", new { id = run.RunId });
            Assert.Contains($"HTTP 301: redirected to {portal.BaseUrl}/newer", steps);
            Assert.Equal(2, await host.ScalarAsync<int>("SELECT calls FROM run WHERE id = @id", new { id = run.RunId }));
        }
    }

    /// <summary>
    /// A name the source file's check cannot know for this machine (its host name) on the service's own port: the run
    /// resolves it, and refuses before any call.
    /// </summary>
    [Fact]
    public async Task Collect_UrlResolvingToThisMachineOnTheServicesPort_IsRefusedBeforeAnyCall()
    {
        config.WriteSource("robots", Samples.RobotsSource);
        await using var host = await CollectorHost.StartAsync(config, settings: Samples.Fast());
        await host.WaitForRecurringAsync(new Dictionary<string, string> { ["robots"] = "0 2 * * *" });
        var port = new Uri(host.BaseUrl).Port;
        config.WriteSource("self", Source($"http://{System.Net.Dns.GetHostName()}:{port}/api/sources"));
        await host.WaitForRecurringAsync(new Dictionary<string, string> { ["robots"] = "0 2 * * *", ["self"] = "0 * * * *" });

        var failure = await Assert.ThrowsAsync<PermanentSourceException>(() => host.CollectAsync("self"));

        Assert.Equal("config", failure.FailureClass);
        Assert.Equal($"self: {System.Net.Dns.GetHostName()}:{port} is this service itself; a source may not call its API or dashboard (its demo endpoints are {{self}}/demo/…); no call made", failure.Message);
        Assert.Equal(0, await host.ScalarAsync<int>("SELECT calls FROM run WHERE source_id = 'self'"));
    }

    /// <summary>
    /// The attack: an upstream that puts the token into its error message and its data. The secret reached the run
    /// error, /api/sources, /api/runs, rejects, the Hangfire failed-job page, the log and the CLI.
    /// </summary>
    [Fact]
    public async Task EchoedSecret_IsTakenOutOfEverythingStoredOrShown()
    {
        await using var upstream = await LoopbackServer.StartAsync((_, c) =>
        {
            var token = c.Request.Headers["X-Token"].ToString();
            var echo = System.Text.Json.JsonSerializer.Serialize($"token '{token}' (url form {Uri.EscapeDataString(token)}) is not valid for this dataset");
            return c.Request.Path == "/refuse"
                ? LoopbackServer.Json(c, $$"""{"message":{{echo}}}""", StatusCodes.Status403Forbidden)
                : LoopbackServer.Json(c, $$"""{"data":[{"period":"2022年","value":{{echo}}},{"period":"2023年","value":"4215"}]}""");
        });
        config.WriteSource("refuse", Source($"{upstream.BaseUrl}/refuse"));
        config.WriteSource("data", Source($"{upstream.BaseUrl}/data"));
        var logs = new CapturedLogs();
        await using var host = await CollectorHost.StartAsync(config, settings: Samples.Fast(("Logging:LogLevel:Default", "Trace")), configure: b => b.Logging.AddProvider(logs));
        await host.WaitForRecurringAsync(new Dictionary<string, string> { ["refuse"] = "0 * * * *", ["data"] = "0 * * * *" });

        var refused = host.Trigger("refuse");
        var data = host.Trigger("data");
        Assert.Equal("Failed", (await host.WaitForJobAsync(refused, "Succeeded", "Failed")).State);
        Assert.Equal("Succeeded", (await host.WaitForJobAsync(data, "Succeeded", "Failed")).State);
        var cli = new StringWriter();
        foreach (var source in new[] { "refuse", "data" })
        {
            await CliCommands.RunAsync(["preview", source], cli, CancellationToken.None, new Dictionary<string, string?> { ["Collector:ConfigDirectory"] = config.Directory });
        }


        var error = await host.ScalarAsync<string>("SELECT error FROM run WHERE source_id = 'refuse'");
        Assert.Equal($"refuse: HTTP 403: authentication or permission refused: token '{{secret:{name}}}' (url form {{secret:{name}}}) is not valid for this dataset", error);
        Assert.Contains($"'{{secret:{name}}}'", await host.ScalarAsync<string>("SELECT raw_value FROM reject"), StringComparison.Ordinal);
        var shown = new Dictionary<string, string>
        {
            ["database"] = string.Join("\n", await host.QueryAsync<string>(
                "SELECT r::text FROM run r UNION ALL SELECT j::text FROM reject j UNION ALL SELECT s::text FROM hangfire.state s UNION ALL SELECT x::text FROM source_state x")),
            ["logs"] = logs.All,
            ["CLI"] = cli.ToString(),
        };
        foreach (var page in new[] { "/api/sources", "/api/runs", "/hangfire/jobs/failed", $"/hangfire/jobs/details/{refused}", $"/api/runs/{await host.ScalarAsync<long>("SELECT id FROM run WHERE source_id = 'data'")}/rejects" })
        {
            shown[page] = await host.Http.GetStringAsync(page);
        }

        Assert.Contains("is not valid for this dataset", shown["/hangfire/jobs/failed"] + shown[$"/hangfire/jobs/details/{refused}"], StringComparison.Ordinal);
        Assert.Contains("is not valid for this dataset", shown["CLI"], StringComparison.Ordinal);
        Assert.Empty(shown.Where(s => s.Value.Contains(value, StringComparison.Ordinal) || s.Value.Contains(Uri.EscapeDataString(value), StringComparison.Ordinal)).Select(s => s.Key));
    }
}
