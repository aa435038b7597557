using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace WuzhongCollector.Service.Collection.Connectors;

/// <summary>
/// One token bucket per remote host, shared by all sources on that host, so several sources (and their
/// retries) never add up to more than the host's rate. Calls wait their turn rather than fail.
/// </summary>
public sealed class HostRateLimits(IOptions<HttpSourceOptions> options) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<RateLimiter>> limiters = new(StringComparer.OrdinalIgnoreCase);

    public ValueTask<RateLimitLease> AcquireAsync(string host, CancellationToken cancellationToken) =>
        limiters.GetOrAdd(host, h => new Lazy<RateLimiter>(() => Create(h))).Value.AcquireAsync(1, cancellationToken);

    public double RateFor(string host)
    {
        var overrides = options.Value.HostRequestsPerSecond;
        return overrides.TryGetValue(host, out var exact) ? exact
            : overrides.TryGetValue(host.Split(':')[0], out var byName) ? byName
            : options.Value.RequestsPerSecondPerHost;
    }

    private TokenBucketRateLimiter Create(string host) => new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = 1,
        TokensPerPeriod = 1,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1 / RateFor(host)),
        AutoReplenishment = true,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        QueueLimit = 10_000,
    });

    public void Dispose()
    {
        foreach (var limiter in limiters.Values.Where(l => l.IsValueCreated))
        {
            limiter.Value.Dispose();
        }
    }
}
