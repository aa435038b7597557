using Hangfire;
using Hangfire.Common;
using Microsoft.Extensions.Options;
using WuzhongCollector.Service.Collection;

namespace WuzhongCollector.Service.Operations;

/// <summary>
/// Hangfire's global filters plus this service's own instance filters. Hangfire's GlobalJobFilters is
/// process-wide; a filter that holds this service's settings, database and metrics must not be shared with
/// another service in the same process (tests run several), so it is given to this service's server only.
/// </summary>
public sealed class CollectorJobFilters(IServiceProvider services, IOptions<CollectorOptions> options) : IJobFilterProvider
{
    // Resolved on first use: the filter depends (through the pauses) on Hangfire's clients, which depend on this provider.
    private readonly Lazy<JobFilter> runOutcome = new(() => new JobFilter(services.GetRequiredService<RunOutcomeFilter>(), JobFilterScope.Global, RunOutcomeFilter.Order));

    /// <summary>
    /// Hangfire's default is 10 retries over hours for any exception. Ours: a few, with configured delays,
    /// and never for permanent failures (bad config, auth, parse, schema), which fail at once.
    /// </summary>
    private readonly JobFilter retry = new(
        new AutomaticRetryAttribute
        {
            Attempts = options.Value.EffectiveRetryDelays.Length,
            DelaysInSeconds = options.Value.EffectiveRetryDelays,
            ExceptOn = [typeof(PermanentSourceException)],
            OnAttemptsExceeded = AttemptsExceededAction.Fail,
        },
        JobFilterScope.Global,
        null);

    public IEnumerable<JobFilter> GetFilters(Job job) =>
        JobFilterProviders.Providers.GetFilters(job)
            .Where(f => f.Instance is not AutomaticRetryAttribute)
            .Append(retry)
            .Append(runOutcome.Value);
}
