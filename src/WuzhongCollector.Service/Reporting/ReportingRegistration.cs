using Microsoft.Extensions.Options;
using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Monitoring;
using WuzhongCollector.Core.Reporting;
using WuzhongCollector.Service.Sources;

namespace WuzhongCollector.Service.Reporting;

/// <summary>Department reporting: obligations from config/reporting.yaml, templates, the /report page, completeness, metrics and the daily reminder.</summary>
public static class ReportingRegistration
{
    public const string SettingsFile = "reporting.yaml";

    /// <summary>Reads and checks config/reporting.yaml now, so a bad file stops start-up with every error listed.</summary>
    public static IServiceCollection AddReporting(this IServiceCollection services, ConfigPaths paths, IndicatorCatalogue catalogue)
    {
        var (settings, errors) = ReportingSettingsLoader.Load(Path.Combine(paths.Directory, SettingsFile), catalogue);
        if (settings is null)
        {
            throw new ConfigurationException(errors);
        }

        services.AddSingleton(provider => new ReportingPlan(settings, provider.GetRequiredService<MonitoringSettings>().BaseYear + 1, provider.GetRequiredService<MonitoringSettings>().PlanEndYear));
        services.AddOptionsWithValidateOnStart<ReportingOptions, ReportingOptionsValidator>()
            .BindConfiguration(ReportingOptions.SectionName)
            .Validate(o => Core.Sources.SourceFileLoader.IsValidCron(o.ReminderCron), $"{ReportingOptions.SectionName}:ReminderCron is not a valid cron expression (5 fields, or 6 with seconds)")
            .Validate(o => o.WebhookUrl is null || (Uri.TryCreate(o.WebhookUrl, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"),
                $"{ReportingOptions.SectionName}:WebhookUrl must be an http(s) URL");
        services.AddSingleton<ReportReader>();
        services.AddSingleton<ReportStore>();
        services.AddSingleton<CompletenessReader>();
        services.AddSingleton<ReportingMetrics>();
        services.AddTransient<ReportingReminderJob>();
        services.AddHostedService<ReportingReminderSchedule>();
        services.AddHostedService<ReportingDemo>();
        // The robot's URL carries its key: no redirect may take it elsewhere, and no log handler may write it.
        services.AddHttpClient(ReportingReminderJob.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(15))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false })
            .RemoveAllLoggers();
        return services;
    }

    public static WebApplication MapReporting(this WebApplication app, IEndpointRouteBuilder read)
    {
        // Created now, so its gauges are in /metrics from the first scrape.
        app.Services.GetRequiredService<ReportingMetrics>();
        read.MapReportingApi();
        app.MapReportLogin();
        app.MapReportPage();
        app.MapReportApi(app.Services.GetRequiredService<IOptions<ReportingOptions>>().Value.MaxUploadBytes);
        return app;
    }
}
