using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace WuzhongCollector.Service.Operations;

/// <summary>Hot reload and failure alerts, section <c>Operations</c>.</summary>
public sealed class OperationsOptions
{
    public const string SectionName = "Operations";

    /// <summary>Quiet time after a change in config/sources before the folder is re-read. <value>The default is 500 ms.</value></summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan ReloadDebounce { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often config/sources is also compared by names, sizes and times, in case a change event was lost. <value>The default is 30 seconds.</value></summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan ReloadPollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Consecutive failed runs (each Hangfire attempt is a run) after which a warning is logged and counted in
    /// wuzhong_source_failure_alerts_total. 0 turns warnings off. <value>The default is 4: one occurrence with its 3 retries.</value>
    /// </summary>
    [Range(0, 10_000)]
    public int FailureWarningAfter { get; set; } = 4;

    /// <summary>
    /// Consecutive failed runs after which the source pauses itself, with the reason, until resumed. 0 never
    /// pauses. <value>The default is 12: three occurrences with their retries.</value>
    /// </summary>
    [Range(0, 10_000)]
    public int AutoPauseAfter { get; set; } = 12;
}

[OptionsValidator]
public sealed partial class OperationsOptionsValidator : IValidateOptions<OperationsOptions>;
