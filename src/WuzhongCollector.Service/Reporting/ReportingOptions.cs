using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace WuzhongCollector.Service.Reporting;

/// <summary>Department reporting (/report), section <c>Reporting</c>. Who reports what, how often and by when is in config/reporting.yaml.</summary>
public sealed class ReportingOptions
{
    public const string SectionName = "Reporting";

    /// <summary>An upload larger than this is refused before it is read. A filled template is a few KiB. <value>The default is 5 MiB.</value></summary>
    [Range(64 * 1024, 100L * 1024 * 1024)]
    public long MaxUploadBytes { get; set; } = 5L * 1024 * 1024;

    /// <summary>
    /// A WeCom (企业微信) or DingTalk (钉钉) group robot's webhook URL; overdue obligations are posted to it once a
    /// day. The URL is a secret (its key or access_token lets anyone post to the group): set it through the
    /// environment (<c>Reporting__WebhookUrl</c>), never in a committed file. It is never logged. <value>The default is none.</value>
    /// </summary>
    public string? WebhookUrl { get; set; }

    /// <summary>DingTalk's 加签 secret (SEC…), when the robot has signing on: each post is signed with it. <value>The default is none.</value></summary>
    public string? WebhookSigningSecret { get; set; }

    /// <summary>When the daily reminder is posted (China time). <value>The default is 09:00: "0 9 * * *".</value></summary>
    public string ReminderCron { get; set; } = "0 9 * * *";

    /// <summary>The reminder names obligations that fell due within this many days; older gaps stay on the page and in the metrics. <value>The default is 60.</value></summary>
    [Range(1, 3660)]
    public int ReminderLookbackDays { get; set; } = 60;

    /// <summary>The address people open /report at, for the link in the reminder. <value>The default is none (no link).</value></summary>
    public string? PublicUrl { get; set; }

    /// <summary>On first start, store sample submissions (marked as samples) so a newcomer sees delivered, late and missing departments. <value>The default is on in Development.</value></summary>
    public bool? DemoSubmissions { get; set; }
}

[OptionsValidator]
public sealed partial class ReportingOptionsValidator : IValidateOptions<ReportingOptions>;
