using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.Common;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Hangfire.Dashboard;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Npgsql;
using WuzhongCollector.Service.Catalogue;
using WuzhongCollector.Service.Collection;
using WuzhongCollector.Service.Collection.Connectors;
using WuzhongCollector.Service.Database;
using WuzhongCollector.Service.Demo;
using WuzhongCollector.Service.Query;
using WuzhongCollector.Service.Retention;
using WuzhongCollector.Service.Sources;

namespace WuzhongCollector.Service;

/// <summary>Everything the service registers, in one place (no assembly scanning).</summary>
public static class CollectorRegistration
{
    public static async Task AddCollectorAsync(this WebApplicationBuilder builder, CancellationToken cancellationToken = default)
    {
        var services = builder.Services;
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;
        services.AddOptionsWithValidateOnStart<CollectorOptions, CollectorOptionsValidator>().BindConfiguration(CollectorOptions.SectionName);
        var options = builder.Configuration.GetSection(CollectorOptions.SectionName).Get<CollectorOptions>() ?? new CollectorOptions();
        services.AddSingleton<ConfigPaths>();
        services.TryAddSingleton(TimeProvider.System);

        using var loggerFactory = LoggerFactory.Create(l => l.AddConsole());
        var startupLogger = loggerFactory.CreateLogger("WuzhongCollector.Startup");

        // Config is checked before anything starts: a bad source file stops start-up with every error listed.
        var paths = new ConfigPaths(Microsoft.Extensions.Options.Options.Create(options), builder.Environment);
        var registry = SourceRegistry.Load(paths);
        services.AddSingleton(registry);

        var (connectionString, embedded) = await CollectorDatabase.ResolveAsync(builder.Configuration, builder.Environment, startupLogger, cancellationToken);
        var dataSource = NpgsqlDataSource.Create(connectionString);
        services.AddSingleton(dataSource);
        await DatabaseStartup.WaitUntilReachableAsync(dataSource, options.DatabaseStartupTimeout, TimeProvider.System, startupLogger, cancellationToken);
        await SchemaMigrator.MigrateAsync(dataSource, startupLogger, cancellationToken);
        await CatalogueStore.SaveAsync(dataSource, registry.Catalogue, cancellationToken);
        if (embedded is not null)
        {
            services.AddSingleton(embedded);
        }

        services.AddHttpClient(HttpJsonConnector.ClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton<SourcePipelines>();
        services.AddSingleton<SelfAddress>(_ => new SelfAddress { DemoEnabled = options.DemoEndpoints ?? builder.Environment.IsDevelopment() });
        services.AddSingleton<ISourceConnector, CsvFileConnector>();
        services.AddSingleton<ISourceConnector, HttpJsonConnector>();
        services.AddTransient<CollectSourceJob>();
        services.AddSingleton<RecurringJobSync>();
        services.AddHostedService<StartupTasks>();
        var retention = services.AddRetention(builder.Configuration);

        // Our own storage instance in DI: Hangfire's default registration hands out the static
        // JobStorage.Current, which is wrong when two hosts share a process (tests, tools).
        var storageOptions = new PostgreSqlStorageOptions
        {
            SchemaName = "hangfire",
            PrepareSchemaIfNecessary = true,
            // Sliding: a killed worker's job returns after about one timeout, and long runs are not duplicated.
            UseSlidingInvisibilityTimeout = true,
            InvisibilityTimeout = options.InvisibilityTimeout,
            QueuePollInterval = options.QueuePollInterval,
            JobExpirationCheckInterval = retention.ExpirationCheckInterval,
            // A killed instance leaves Hangfire's lock rows behind until they are this old (default 10 min, during
            // which its recurring jobs cannot be scheduled). Hangfire holds them for milliseconds here: runs use
            // advisory locks, not DisableConcurrentExecution.
            DistributedLockTimeout = TimeSpan.FromMinutes(1),
        };
        var storage = new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, storageOptions), storageOptions)
        {
            JobExpirationTimeout = retention.JobHistory,
        };
        services.AddSingleton<JobStorage>(storage);
        // Likewise the activator: the default hands out the static JobActivator.Current, which the last host to
        // configure Hangfire sets, so a job could be built from another host's services.
        services.AddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddSingleton<IJobFilterProvider>(sp =>
        {
            // Hangfire's configuration runs first: the retry filter takes a logger from Hangfire's static log provider.
            sp.GetRequiredService<IGlobalConfiguration>();
            return new JobFilters(options);
        });
        services.AddHangfire(config => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseStorage(storage));
        if (options.RunScheduler)
        {
            services.AddHangfireServer(s =>
            {
                s.WorkerCount = options.WorkerCount;
                s.SchedulePollingInterval = TimeSpan.FromSeconds(1);
            });
        }

        services.AddOpenApi();
    }

    public static WebApplication MapCollector(this WebApplication app)
    {
        app.UseHangfireDashboard("/hangfire", new DashboardOptions
        {
            DashboardTitle = "WuzhongCollector",
            Authorization = [new LocalRequestsOnlyAuthorizationFilter()],
            DisplayStorageConnectionString = false,
        });
        app.MapOpenApi();
        app.MapQueryApi();
        if (app.Services.GetRequiredService<SelfAddress>().DemoEnabled)
        {
            app.MapDemoApi();
        }

        app.MapGet("/", () => Results.Redirect("/hangfire")).ExcludeFromDescription();
        return app;
    }
}
