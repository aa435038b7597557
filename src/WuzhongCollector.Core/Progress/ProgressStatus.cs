namespace WuzhongCollector.Core.Progress;

/// <summary>Where a target stands; the rule that picks one is <see cref="ProgressCalculator"/>'s and the analyst guide's (Service/Plan/README.md).</summary>
public enum ProgressStatus
{
    Met,
    OnTrack,
    AtRisk,
    OffTrack,
    NoData,
}

public static class ProgressStatusText
{
    public static string ToText(this ProgressStatus status) => status switch
    {
        ProgressStatus.Met => "met",
        ProgressStatus.OnTrack => "on-track",
        ProgressStatus.AtRisk => "at-risk",
        ProgressStatus.OffTrack => "off-track",
        _ => "no-data",
    };

    public static string ToChinese(this ProgressStatus status) => status switch
    {
        ProgressStatus.Met => "已完成",
        ProgressStatus.OnTrack => "进展顺利",
        ProgressStatus.AtRisk => "存在风险",
        ProgressStatus.OffTrack => "进度滞后",
        _ => "暂无数据",
    };
}
