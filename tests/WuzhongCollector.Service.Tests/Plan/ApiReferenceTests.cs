using System.Text.Json;

namespace WuzhongCollector.Service.Tests.Plan;

public sealed class ApiReferenceTests : IDisposable
{
    private readonly TestConfig config = new();

    public void Dispose() => config.Dispose();

    [Fact]
    public async Task ApiReference_IsServedByTheService_WithNoCdn()
    {
        await using var host = await CollectorHost.StartAsync(config);

        var html = await host.Http.GetStringAsync("/scalar/");
        var script = await host.Http.GetAsync("/scalar/scalar.js");

        Assert.Contains("<script src=\"scalar.js\"></script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.Contains("\"withDefaultFonts\":false", html, StringComparison.Ordinal);
        Assert.True(script.IsSuccessStatusCode);
        Assert.True((await script.Content.ReadAsByteArrayAsync()).Length > 100_000);
    }

    [Fact]
    public async Task OpenApi_DescribesThePlanMonitoringEndpoints()
    {
        await using var host = await CollectorHost.StartAsync(config);

        using var document = JsonDocument.Parse(await host.Http.GetStringAsync("/openapi/v1.json"));

        var paths = document.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Superset(new HashSet<string>
        {
            "/api/progress", "/api/progress/{code}", "/api/freshness", "/api/series/{code}/revisions", "/api/quality/flags",
            "/api/export/observations", "/api/export/progress", "/api/evaluation", "/api/reporting",
        }, paths);
        Assert.DoesNotContain("/plan", paths);
        Assert.DoesNotContain("/report", paths);
    }

    [Fact]
    public async Task Start_BadMonitoringFile_StopsWithFileLineAndField()
    {
        config.WriteFile("monitoring.yaml", "status:\n  atRiskFrom: 3\n");

        var error = await Assert.ThrowsAsync<WuzhongCollector.Service.Sources.ConfigurationException>(() => CollectorHost.StartAsync(config));

        Assert.Equal("monitoring.yaml:2: status.atRiskFrom: must be between 0 and 2", Assert.Single(error.Errors).ToString());
    }
}
