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
        string environment = "Production",
        Action<WebApplicationBuilder>? configure = null)
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

            configure?.Invoke(builder);
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
        // Hangfire logs through one process-wide provider, the last started host's; never let it outlive its host.
        Hangfire.Logging.LogProvider.SetCurrentLogProvider(new SilentHangfireLog());
        var dataSource = App.Services.GetRequiredService<NpgsqlDataSource>();
        await App.StopAsync();
        await App.DisposeAsync();
        // Every test has a database and so pools of its own; idle connections would pile up past max_connections.
        await dataSource.DisposeAsync();
        NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString));
        NpgsqlConnection.ClearPool(new NpgsqlConnection(CollectorRegistration.HangfireConnectionString(ConnectionString)));
    }
}

internal sealed class SilentHangfireLog : Hangfire.Logging.ILogProvider, Hangfire.Logging.ILog
{
    public Hangfire.Logging.ILog GetLogger(string name) => this;

    public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
}
