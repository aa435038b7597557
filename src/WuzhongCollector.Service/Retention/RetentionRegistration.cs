using WuzhongCollector.Core.Sources;

namespace WuzhongCollector.Service.Retention;

public static class RetentionRegistration
{
    /// <summary>Registers the cleanup job and its schedule; returns the settings the Hangfire storage needs at build time.</summary>
    public static RetentionOptions AddRetention(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<RetentionOptions, RetentionOptionsValidator>()
            .BindConfiguration(RetentionOptions.SectionName)
            .Validate(o => SourceFileLoader.IsValidCron(o.Cron), $"{RetentionOptions.SectionName}:Cron is not a valid cron expression (5 fields, or 6 with seconds)");
        services.AddTransient<RetentionCleanupJob>();
        services.AddHostedService<RetentionSchedule>();
        return configuration.GetSection(RetentionOptions.SectionName).Get<RetentionOptions>() ?? new RetentionOptions();
    }
}
