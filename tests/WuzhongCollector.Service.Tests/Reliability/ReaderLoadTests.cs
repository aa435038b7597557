using System.Net;
using System.Text.Json;

namespace WuzhongCollector.Service.Tests.Reliability;

/// <summary>
/// Issue 12: 200 concurrent XLSX exports gave 43 × 500 (connection pool exhausted) and 200 dashboard loads
/// 155 × 500 and a missed Hangfire heartbeat. Readers now queue within bounds, beyond which they get 503 with
/// Retry-After, on pools of their own; the worker keeps collecting.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class ReaderLoadTests : IDisposable
{
    private readonly TestConfig config = new();

    public ReaderLoadTests()
    {
        config.WriteFile("exports/robots.csv", Samples.RobotsCsv);
        config.WriteSource("robots", Samples.RobotsSource);
    }

    public void Dispose() => config.Dispose();

    [Fact]
    public async Task ConcurrentExportsDashboardAndApiLoads_AreAnsweredOrGet503WithRetryAfter_NeverA500_WhileACollectionRunCompletes()
    {
        // Small limits, so a few dozen clients reach them on any machine.
        await using var host = await CollectorHost.StartAsync(config, settings: new Dictionary<string, string?>
        {
            ["Readers:Connections"] = "4", ["Readers:ApiConcurrency"] = "2", ["Readers:ApiQueue"] = "2", ["Readers:ExportConcurrency"] = "1", ["Readers:ExportQueue"] = "1",
            ["Readers:DashboardConcurrency"] = "1", ["Readers:DashboardQueue"] = "1", ["Readers:DashboardConnections"] = "2",
        });
        await host.WaitForRecurringAsync(new Dictionary<string, string> { ["robots"] = "0 2 * * *" });
        using var clients = new HttpClient { BaseAddress = new Uri(host.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };

        var jobId = host.Trigger("robots");
        var paths = Enumerable.Range(0, 40).SelectMany(_ => new[] { "/api/export/observations?format=xlsx&layout=sheets", "/hangfire", "/api/progress" });
        var answers = await Task.WhenAll(paths.Select(async path =>
        {
            using var response = await clients.GetAsync(path);
            return (Path: path, response.StatusCode, RetryAfter: response.Headers.RetryAfter?.Delta, Type: response.Content.Headers.ContentType?.MediaType,
                Body: response.StatusCode == HttpStatusCode.OK ? "" : await response.Content.ReadAsStringAsync());
        }));

        var state = await host.WaitForJobAsync(jobId, "Succeeded", "Failed");
        var summary = string.Join(", ", answers.GroupBy(a => (a.Path, a.StatusCode)).Select(g => $"{g.Key.Path} {(int)g.Key.StatusCode} x{g.Count()}"));
        Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"{a.Path}: {(int)a.StatusCode} {a.Body}"));
        Assert.All(answers.Where(a => a.StatusCode == HttpStatusCode.ServiceUnavailable), a =>
        {
            Assert.True(a.RetryAfter > TimeSpan.Zero, $"{a.Path}: 503 without Retry-After");
            Assert.Equal("application/problem+json", a.Type);
            Assert.Equal(503, JsonDocument.Parse(a.Body).RootElement.GetProperty("status").GetInt32());
        });
        foreach (var path in answers.Select(a => a.Path).Distinct())
        {
            Assert.True(answers.Any(a => a.Path == path && a.StatusCode == HttpStatusCode.OK), $"no {path} was answered: {summary}");
            Assert.True(answers.Any(a => a.Path == path && a.StatusCode == HttpStatusCode.ServiceUnavailable), $"the limit of {path} was never reached: {summary}");
        }

        Assert.Equal("Succeeded", state.State);
        // partial: the sample's third row (六百) is rejected, as always.
        Assert.Equal("partial", await host.ScalarAsync<string>("SELECT outcome FROM run ORDER BY id DESC LIMIT 1"));
        Assert.Equal(HttpStatusCode.OK, (await clients.GetAsync("/healthz")).StatusCode);
    }
}
