using Hangfire.Common;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Prometheus;
using WuzhongCollector.Service.Security;
using WuzhongCollector.Service.Sources;

namespace WuzhongCollector.Service.Operations;

/// <summary>What admins and ops use: hot reload, pause, failure alerts, run visibility, metrics, health, security.</summary>
public static class OperationsRegistration
{
    public static IServiceCollection AddOperations(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<OperationsOptions, OperationsOptionsValidator>().BindConfiguration(OperationsOptions.SectionName);
        services.AddSingleton<CollectorMetrics>();
        services.AddSingleton<SourcePauses>();
        services.AddSingleton<FailureAlerts>();
        services.AddSingleton<RunOutcomeFilter>();
        services.AddSingleton<IJobFilterProvider, CollectorJobFilters>();
        services.AddHostedService<SourceFolderWatcher>();
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database")
            .AddCheck<SchedulerHealthCheck>("scheduler")
            .AddCheck<ConfigHealthCheck>("config");
        services.AddCollectorSecurity();
        return services;
    }

    public static WebApplication MapOperations(this WebApplication app, RouteGroupBuilder read)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = HealthResponse.WriteAsync });
        var metrics = app.MapMetrics("/metrics", app.Services.GetRequiredService<CollectorMetrics>().Registry);
        if (!app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value.OpenReadApi)
        {
            metrics.RequireAuthorization(SecurityRegistration.ReadPolicy);
        }

        app.MapSourceAdminApi(read);
        return app;
    }
}
