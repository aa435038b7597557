namespace WuzhongCollector.Core.Progress;

public enum FinalVerdict
{
    /// <summary>达成: the figure judged for the target year meets the target.</summary>
    Met,
    /// <summary>未达成: the figure at the end of the target year misses the target.</summary>
    NotMet,
    /// <summary>无法评估: no figure reaches the end of the target year, so neither can be said.</summary>
    NoData,
}

/// <summary>One target's final evaluation (终期评估) and the figure that decided it.</summary>
public sealed record FinalTarget(TargetProgress Target, FinalVerdict Verdict, SeriesValue? Figure);

/// <summary>
/// The final evaluation of a finished plan: for each target, met or not met at its target year. It reads the same
/// judged figure as <see cref="ProgressCalculator"/> (the latest up to the end of the target year), so the page's
/// status and its final verdict never disagree: a projection says nothing once the year is over.
/// </summary>
public static class FinalEvaluation
{
    public static FinalTarget Judge(TargetProgress target)
    {
        var figure = target.Latest;
        var yearEnd = SeriesValue.YearEnd(target.Target.Year);
        if (figure is null)
        {
            return new FinalTarget(target, FinalVerdict.NoData, null);
        }

        // A figure from after the target year (when none came before) says nothing about the year itself.
        if (target.Status == ProgressStatus.Met)
        {
            return new FinalTarget(target, figure.Month <= yearEnd ? FinalVerdict.Met : FinalVerdict.NoData, figure);
        }

        return new FinalTarget(target, figure.Month == yearEnd ? FinalVerdict.NotMet : FinalVerdict.NoData, figure);
    }

    public static string ToText(this FinalVerdict verdict) => verdict switch
    {
        FinalVerdict.Met => "met",
        FinalVerdict.NotMet => "not-met",
        _ => "no-data",
    };

    public static string ToChinese(this FinalVerdict verdict) => verdict switch
    {
        FinalVerdict.Met => "达成",
        FinalVerdict.NotMet => "未达成",
        _ => "无法评估",
    };
}
