using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace WuzhongCollector.Service.Plan;

/// <summary>Settings of the plan monitoring, section <c>Plan</c>. The judging rules themselves are in config/monitoring.yaml.</summary>
public sealed class PlanOptions
{
    public const string SectionName = "Plan";

    /// <summary>How often freshness is recomputed for the metrics. <value>The default is 1 minute.</value></summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan FreshnessRefreshInterval { get; set; } = TimeSpan.FromMinutes(1);
}

[OptionsValidator]
public sealed partial class PlanOptionsValidator : IValidateOptions<PlanOptions>;
