using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace WuzhongCollector.Service.Retention;

/// <summary>
/// How long the service keeps its own history, section <c>Collector:Retention</c>. Observations are never
/// expired: every vintage of every figure is kept for good.
/// </summary>
public sealed class RetentionOptions
{
    public const string SectionName = "Collector:Retention";

    /// <summary>
    /// How long Hangfire keeps succeeded and deleted jobs (the dashboard's history). Failed jobs stay until
    /// someone deletes them. <value>The default is 7 days.</value>
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan JobHistory { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Run records finished longer ago are deleted with their rejects, except runs that stored a vintage
    /// (an observation names its run) and each source's last successful run; older rejects of those kept
    /// runs go too. <value>The default is 180 days.</value>
    /// </summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "36500.00:00:00")]
    public TimeSpan RunLog { get; set; } = TimeSpan.FromDays(180);

    /// <summary>
    /// The bytes of archived payloads fetched longer ago are dropped; hash, size and origin stay, and each
    /// source's latest payload is kept whole. <value>The default is 365 days.</value>
    /// </summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "36500.00:00:00")]
    public TimeSpan PayloadContent { get; set; } = TimeSpan.FromDays(365);

    /// <summary>When the cleanup job runs (cron, Asia/Shanghai). <value>The default is 03:30 daily.</value></summary>
    public string Cron { get; set; } = "30 3 * * *";

    /// <summary>How often Hangfire deletes its expired rows. <value>The default is 1 hour.</value></summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ExpirationCheckInterval { get; set; } = TimeSpan.FromHours(1);
}

[OptionsValidator]
public sealed partial class RetentionOptionsValidator : IValidateOptions<RetentionOptions>;
