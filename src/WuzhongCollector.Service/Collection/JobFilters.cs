using Hangfire;
using Hangfire.Common;

namespace WuzhongCollector.Service.Collection;

/// <summary>
/// The Hangfire filters of one service instance. Hangfire's default is 10 retries over hours for any
/// exception; ours are a few, with the configured delays, and never for permanent failures (bad config, auth,
/// parse, schema), which fail at once. They belong to the host rather than to Hangfire's process-wide global
/// collection, so two hosts in one process (tests, tools) never share or overwrite one retry policy.
/// </summary>
public sealed class JobFilters(CollectorOptions options) : IJobFilterProvider
{
    private readonly IJobFilterProvider own = Own(options);
    private readonly JobFilterAttributeFilterProvider attributes = new();

    public IEnumerable<JobFilter> GetFilters(Job job) =>
        ((IJobFilterProvider)GlobalJobFilters.Filters).GetFilters(job).Where(f => f.Instance is not AutomaticRetryAttribute)
            .Concat(own.GetFilters(job))
            .Concat(attributes.GetFilters(job));

    private static JobFilterCollection Own(CollectorOptions options)
    {
        var filters = new JobFilterCollection();
        filters.Add(new AutomaticRetryAttribute
        {
            Attempts = options.EffectiveRetryDelays.Length,
            DelaysInSeconds = options.EffectiveRetryDelays,
            ExceptOn = [typeof(PermanentSourceException)],
            OnAttemptsExceeded = AttemptsExceededAction.Fail,
        });
        filters.Add(new JobContext());
        return filters;
    }
}
