using Hangfire.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using WuzhongCollector.Service.Collection;
using WuzhongCollector.Service.Demo;

namespace WuzhongCollector.Service;

/// <summary>Once Kestrel listens: learn our own address, schedule the sources, say where things are.</summary>
public sealed class StartupTasks(
    IHostApplicationLifetime lifetime,
    IServer server,
    SelfAddress self,
    RecurringJobSync sync,
    IOptions<CollectorOptions> options,
    IHostEnvironment environment,
    TimeProvider timeProvider,
    ILogger<StartupTasks> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => _ = OnStartedAsync(lifetime.ApplicationStopping));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// An instance killed while scheduling leaves Hangfire's lock on a recurring job behind until it expires
    /// (a minute): wait for it, saying so, instead of stopping.
    /// </summary>
    private async Task SyncWhenUnlockedAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await sync.SyncAsync(cancellationToken);
                return;
            }
            catch (DistributedLockTimeoutException ex) when (attempt < 12)
            {
                logger.LogWarning("Scheduling waits for a Hangfire lock a stopped instance left behind ({Error}); try {Attempt} again in 10 s", ex.Message, attempt + 1);
                await Task.Delay(TimeSpan.FromSeconds(10), timeProvider, cancellationToken);
            }
        }
    }

    private async Task OnStartedAsync(CancellationToken cancellationToken)
    {
        try
        {
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
            self.BaseUrl = addresses.FirstOrDefault()?.Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal).Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal);
            self.Ports = addresses.Select(a => BindingAddress.Parse(a).Port).ToHashSet();
            if (options.Value.RunScheduler)
            {
                await SyncWhenUnlockedAsync(cancellationToken);
                if (options.Value.TriggerNewSourcesOnStart ?? environment.IsDevelopment())
                {
                    await sync.TriggerNewSourcesAsync(cancellationToken);
                }
            }

            logger.LogInformation("WuzhongCollector is up: dashboard {Base}/hangfire, API {Base}/api/indicators, OpenAPI {Base}/openapi/v1.json", self.BaseUrl, self.BaseUrl, self.BaseUrl);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogCritical(ex, "Scheduling the sources failed; stopping");
            lifetime.StopApplication();
        }
    }
}
