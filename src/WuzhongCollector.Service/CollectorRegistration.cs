using Hangfire;
using Hangfire.AspNetCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Npgsql;
using WuzhongCollector.Service.Caching;
using WuzhongCollector.Service.Catalogue;
using WuzhongCollector.Service.Collection;
using WuzhongCollector.Service.Collection.Connectors;
using WuzhongCollector.Service.Database;
using WuzhongCollector.Service.Demo;
using WuzhongCollector.Service.Operations;
using WuzhongCollector.Service.Plan;
using WuzhongCollector.Service.Query;
using WuzhongCollector.Service.Reporting;
using WuzhongCollector.Service.Retention;
using WuzhongCollector.Service.Security;
using WuzhongCollector.Service.Sources;
using WuzhongCollector.Service.Web;

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
        var self = new SelfAddress { DemoEnabled = options.DemoEndpoints ?? builder.Environment.IsDevelopment(), Ports = SelfAddress.ConfiguredPorts(builder.Configuration) };
        services.AddSingleton(self);
        var registry = SourceRegistry.Load(paths, () => self.Ports);
        services.AddSingleton(registry);
        services.AddPlanMonitoring(paths, registry.Catalogue);
        services.AddReporting(paths, registry.Catalogue);
        if (registry.Errors.Count > 0 && !options.StartDespiteSourceErrors)
        {
            throw new ConfigurationException(registry.Errors);
        }

        foreach (var error in registry.Errors)
        {
            startupLogger.LogError("Config error in {File} line {Line}, {Field}: {Message}; this source is not scheduled until fixed", error.File, error.Line, error.Field, error.Message);
        }

        var (connectionString, embedded) = await CollectorDatabase.ResolveAsync(builder.Configuration, builder.Environment, startupLogger, cancellationToken);
        var dataSource = NpgsqlDataSource.Create(connectionString);
        // A factory registration, so the container disposes the data source (and closes its pooled connections) at shutdown.
        services.AddSingleton(_ => dataSource);
        // Readers (API, exports, the dashboard) get pools of their own, so they can never take the worker's connections.
        var readers = builder.Configuration.GetSection(ReaderOptions.SectionName).Get<ReaderOptions>() ?? new ReaderOptions();
        services.AddKeyedSingleton(ReaderLimits.DataSource, (_, _) => NpgsqlDataSource.Create(Pool(connectionString, "readers", readers.Connections)));
        services.AddReaderLimits(readers);
        services.AddApiErrors();
        await DatabaseStartup.WaitUntilReachableAsync(dataSource, options.DatabaseStartupTimeout, TimeProvider.System, startupLogger, cancellationToken);
        await SchemaMigrator.MigrateAsync(dataSource, startupLogger, cancellationToken);
        await CatalogueStore.SaveAsync(dataSource, registry.Catalogue, cancellationToken);
        if (embedded is not null)
        {
            services.AddSingleton(embedded);
        }

        services.AddFileSources();
        services.AddHttpSources();
        services.AddTransient<CollectSourceJob>();
        services.AddSingleton<RecurringJobSync>();
        services.AddHostedService<StartupTasks>();
        var retention = services.AddRetention(builder.Configuration);

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
            // which its recurring jobs cannot be scheduled). Hangfire holds them for milliseconds here: runs lock a
            // row of source_lock, not DisableConcurrentExecution.
            DistributedLockTimeout = TimeSpan.FromMinutes(1),
        };
        var storage = new PostgreSqlStorage(new NpgsqlConnectionFactory(HangfireConnectionString(connectionString), storageOptions), storageOptions)
        {
            JobExpirationTimeout = retention.JobHistory,
        };

        // Hangfire keeps its storage and job activator in statics; each service (tests run several in one
        // process) must use its own, or jobs land in another service's database and container.
        services.AddSingleton<JobStorage>(storage);
        var dashboardStorageOptions = new PostgreSqlStorageOptions { SchemaName = storageOptions.SchemaName, PrepareSchemaIfNecessary = false };
        var dashboardConnection = Pool(connectionString, "dashboard", readers.DashboardConnections);
        services.AddKeyedSingleton<JobStorage>(SecurityRegistration.DashboardStorage,
            new PostgreSqlStorage(new NpgsqlConnectionFactory(dashboardConnection, dashboardStorageOptions), dashboardStorageOptions));
        services.AddHangfire((provider, config) => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new SurvivingHangfireLogProvider(provider.GetRequiredService<ILoggerFactory>()))
            .UseStorage(provider.GetRequiredService<JobStorage>()));
        ConfigureGlobalFilters();
        if (options.RunScheduler)
        {
            services.AddHangfireServer((provider, s) =>
            {
                s.Activator = new AspNetCoreJobActivator(provider.GetRequiredService<IServiceScopeFactory>());
                s.WorkerCount = options.WorkerCount;
                s.SchedulePollingInterval = TimeSpan.FromSeconds(1);
                s.HeartbeatInterval = options.ServerTimeout / 6;
                s.ServerTimeout = options.ServerTimeout;
                s.ServerCheckInterval = options.ServerTimeout / 2;
            });
            services.AddSingleton<CrashRecovery>();
            services.AddHostedService(provider => provider.GetRequiredService<CrashRecovery>());
        }

        // asOf binds through AsOf.TryParse, which OpenAPI shows as a plain string: say it is a date-time.
        services.AddOpenApi(o => o.AddSchemaTransformer((schema, context, _) =>
        {
            if (context.ParameterDescription?.Type is { } type && (Nullable.GetUnderlyingType(type) ?? type) == typeof(AsOf))
            {
                schema.Type = Microsoft.OpenApi.JsonSchemaType.String;
                schema.Format = "date-time";
            }

            return Task.CompletedTask;
        }));
        services.AddAnswerCache();
        services.AddOperations();
    }

    /// <summary>A pool of its own: Npgsql keys pools by connection string, and the application name makes it distinct (and visible in pg_stat_activity).</summary>
    /// <summary>
    /// The Hangfire server's connections, in Npgsql's process-wide pool for this string. Hangfire keeps no state in
    /// its sessions (its locks are rows, its transactions always end), so they skip the DISCARD ALL sent on each
    /// reuse, and its few statements, about 16 per run, are prepared once per connection instead of planned at
    /// every call (tests/WuzhongCollector.Benchmarks/RESULTS.md).
    /// </summary>
    public static string HangfireConnectionString(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString)
    {
        ApplicationName = "wuzhong-hangfire", NoResetOnClose = true, MaxAutoPrepare = 64, AutoPrepareMinUsages = 2,
    }.ConnectionString;

    private static string Pool(string connectionString, string name, int size) =>
        new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "wuzhong-" + name, MaxPoolSize = size }.ConnectionString;

    /// <summary>The job context filter is stateless, so it may be process-wide; retries are per service (CollectorJobFilters).</summary>
    private static void ConfigureGlobalFilters()
    {
        lock (GlobalJobFilters.Filters)
        {
            if (!GlobalJobFilters.Filters.Any(f => f.Instance is JobContext))
            {
                GlobalJobFilters.Filters.Add(new JobContext());
            }
        }
    }

    public static WebApplication MapCollector(this WebApplication app)
    {
        // In this order: the client's address first (for every check and log), then errors as problem details
        // around everything; refusals that need no credentials (cross-site, throttled logins, capacity, control
        // characters) before any password hash is computed or form read; then who is calling, then the dashboard
        // and the endpoints.
        app.UseTrustedForwardedHeaders();
        app.UseApiErrors();
        app.UseCrossSiteRequestCheck();
        app.UseLoginThrottle();
        app.UseRateLimiter();
        app.UseRequestTextCheck();
        app.UseAuthentication();
        app.UseAuthorization();
        // Explicitly after authentication: WebApplication would otherwise put it before, checking tokens as anonymous.
        app.UseAntiforgery();
        app.UseCollectorDashboard();
        app.MapOpenApi();
        var read = app.MapReadEndpoints();
        read.MapQueryApi();
        app.MapPlanMonitoring(read);
        app.MapOperations(read);
        app.MapReporting(read);
        if (app.Services.GetRequiredService<SelfAddress>().DemoEnabled)
        {
            app.MapDemoApi();
        }

        app.MapGet("/", () => Results.Redirect("/hangfire")).ExcludeFromDescription();
        return app;
    }
}
