using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace WuzhongCollector.Service.Tests.Infrastructure;

/// <summary>The real service, on a loopback port, against a test database: what a user runs, not a mock.</summary>
public sealed class CollectorHost : IAsyncDisposable
{
    private CollectorHost(WebApplication app, string connectionString)
    {
        App = app;
        ConnectionString = connectionString;
        BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Http = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
    }

    public WebApplication App { get; }

    public string ConnectionString { get; }

    public string BaseUrl { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => App.Services;

    public static async Task<CollectorHost> StartAsync(
        TestConfig config,
        string? connectionString = null,
        IDictionary<string, string?>? settings = null,
        TimeProvider? timeProvider = null,
        string environment = "Production")
    {
        connectionString ??= await TestServer.CreateDatabaseAsync("host");
        var all = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Collector"] = connectionString,
            ["Collector:ConfigDirectory"] = config.Directory,
            // Three entries, so none of appsettings.json's longer delays survive the index-wise merge.
            ["Collector:RetryDelaysSeconds:0"] = "2",
            ["Collector:RetryDelaysSeconds:1"] = "2",
            ["Collector:RetryDelaysSeconds:2"] = "2",
            ["Collector:QueuePollInterval"] = "00:00:00.200",
            ["Collector:TriggerNewSourcesOnStart"] = "false",
            ["Urls"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var app = await CollectorApp.BuildAsync([$"--environment={environment}"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(all);
            if (timeProvider is not null)
            {
                builder.Services.Replace(ServiceDescriptor.Singleton(timeProvider));
            }
        });
        await app.StartAsync();
        return new CollectorHost(app, connectionString);
    }

    /// <summary>Runs one source now, as the CLI and Hangfire do, and returns its summary.</summary>
    public async Task<RunSummary> CollectAsync(string sourceId)
    {
        using var scope = Services.CreateScope();
        var job = scope.ServiceProvider.GetRequiredService<CollectSourceJob>();
        return await job.CollectAsync(sourceId, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        var dataSource = Services.GetRequiredService<NpgsqlDataSource>();
        // Hangfire's log provider is static and may be this host's, whose logger factory is about to be disposed;
        // a host starting meanwhile would then fail creating loggers. The next host to configure Hangfire sets its own.
        Hangfire.Logging.LogProvider.SetCurrentLogProvider(QuietLogProvider.Instance);
        await App.StopAsync();
        await App.DisposeAsync();
        // The service's pools outlive the host (its data source is a registered instance, and Hangfire pools by
        // connection string); close their idle connections so many hosts in one test run do not exhaust the server.
        await dataSource.DisposeAsync();
        using var hangfirePool = new NpgsqlConnection(ConnectionString);
        NpgsqlConnection.ClearPool(hangfirePool);
    }

    private sealed class QuietLogProvider : Hangfire.Logging.ILogProvider, Hangfire.Logging.ILog
    {
        public static readonly QuietLogProvider Instance = new();

        public Hangfire.Logging.ILog GetLogger(string name) => this;

        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
    }
}
