using System.Collections.Concurrent;

namespace WuzhongCollector.Service.Collection.Connectors;

/// <summary>
/// Hosts that asked, with Retry-After, for a longer pause than a run may wait. Until then, runs of any
/// source on that host fail at once without a call, so Hangfire's retries cannot hammer a rate-limited host.
/// </summary>
public sealed class RetryAfterCooldowns(TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> notBefore = new(StringComparer.OrdinalIgnoreCase);

    public DateTimeOffset Start(string host, TimeSpan retryAfter)
    {
        var until = timeProvider.GetUtcNow() + retryAfter;
        return notBefore.AddOrUpdate(host, until, (_, existing) => existing > until ? existing : until);
    }

    /// <summary>When the host may be called again, if that is still in the future.</summary>
    public DateTimeOffset? Until(string host) =>
        notBefore.TryGetValue(host, out var until) && until > timeProvider.GetUtcNow() ? until : null;
}
