using Scalar.AspNetCore;
using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Monitoring;
using WuzhongCollector.Service.Sources;

namespace WuzhongCollector.Service.Plan;

/// <summary>Plan monitoring for analysts: progress, freshness, revisions, quality, exports, the plan page and the API reference.</summary>
public static class PlanRegistration
{
    public const string SettingsFile = "monitoring.yaml";

    /// <summary>Reads and checks config/monitoring.yaml now, so a bad file stops start-up with every error listed.</summary>
    public static IServiceCollection AddPlanMonitoring(this IServiceCollection services, ConfigPaths paths, IndicatorCatalogue catalogue)
    {
        var (settings, errors) = MonitoringSettingsLoader.Load(Path.Combine(paths.Directory, SettingsFile), catalogue);
        if (settings is null)
        {
            throw new ConfigurationException(errors);
        }

        services.AddSingleton(settings);
        services.AddOptionsWithValidateOnStart<PlanOptions, PlanOptionsValidator>().BindConfiguration(PlanOptions.SectionName);
        services.AddSingleton<PlanReader>();
        services.AddSingleton<ProgressSnapshot>();
        services.AddSingleton<FreshnessMetrics>();
        services.AddHostedService<PlanStartup>();
        services.AddHostedService<FreshnessRefresher>();
        return services;
    }

    /// <summary>Maps the analysts' API on <paramref name="read"/>, which carries the read-access policy.</summary>
    public static WebApplication MapPlanMonitoring(this WebApplication app, IEndpointRouteBuilder read)
    {
        read.MapProgressApi();
        read.MapEvaluationApi();
        read.MapRevisionsApi();
        read.MapQualityApi();
        read.MapExportApi();
        app.MapPlanPage();
        // The API reference at /scalar: its script is served from the package, and default fonts (a CDN) are off.
        app.MapScalarApiReference(o => o.WithTitle("WuzhongCollector API").DisableDefaultFonts());
        return app;
    }

    /// <summary>Brings analyst.progress in line with the catalogue and settings this instance starts with, and fills the freshness gauges.</summary>
    private sealed class PlanStartup(ProgressSnapshot snapshot, FreshnessMetrics metrics, Npgsql.NpgsqlDataSource dataSource) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken) =>
            metrics.Update((await snapshot.RefreshAsync(dataSource, cancellationToken)).Freshness);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
