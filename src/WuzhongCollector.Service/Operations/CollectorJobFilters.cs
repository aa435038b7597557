using Hangfire.Common;

namespace WuzhongCollector.Service.Operations;

/// <summary>
/// Hangfire's global filters plus this service's own instance filters. Hangfire's GlobalJobFilters is
/// process-wide; a filter that holds this service's database and metrics must not be shared with another
/// service in the same process (tests run several), so it is given to this service's server only.
/// </summary>
public sealed class CollectorJobFilters(IServiceProvider services) : IJobFilterProvider
{
    // Resolved on first use: the filter depends (through the pauses) on Hangfire's clients, which depend on this provider.
    private readonly Lazy<JobFilter> runOutcome = new(() => new JobFilter(services.GetRequiredService<RunOutcomeFilter>(), JobFilterScope.Global, RunOutcomeFilter.Order));

    public IEnumerable<JobFilter> GetFilters(Job job) => JobFilterProviders.Providers.GetFilters(job).Append(runOutcome.Value);
}
