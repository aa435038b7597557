using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WuzhongCollector.Service;
using WuzhongCollector.Service.Collection;

namespace WuzhongCollector.Benchmarks;

/// <summary>The real service, built as Program.cs builds it, on a loopback port against a bench database.</summary>
public static class InProcessService
{
    public static async Task<WebApplication> StartAsync(
        string connectionString, string configDirectory, bool runScheduler, IDictionary<string, string?>? settings, CancellationToken cancellationToken)
    {
        var app = await BuildAsync(connectionString, configDirectory, runScheduler, settings, cancellationToken);
        await app.StartAsync(cancellationToken);
        return app;
    }

    public static async Task<WebApplication> BuildAsync(
        string connectionString, string configDirectory, bool runScheduler, IDictionary<string, string?>? settings, CancellationToken cancellationToken)
    {
        var all = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Collector"] = connectionString,
            ["Collector:ConfigDirectory"] = configDirectory,
            ["Collector:RunScheduler"] = runScheduler ? "true" : "false",
            ["Collector:TriggerNewSourcesOnStart"] = "false",
            ["Urls"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return await CollectorApp.BuildAsync(["--environment=Production"], builder => builder.Configuration.AddInMemoryCollection(all), cancellationToken);
    }

    /// <summary>One run of a source, as Hangfire and the CLI run it.</summary>
    public static async Task<RunSummary> CollectAsync(WebApplication app, string sourceId, CancellationToken cancellationToken)
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<CollectSourceJob>().CollectAsync(sourceId, cancellationToken);
    }
}
