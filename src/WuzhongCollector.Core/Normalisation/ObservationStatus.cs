namespace WuzhongCollector.Core.Normalisation;

/// <summary>How authoritative a figure is. The order is the priority rule: 公报 over 快报 over 预计.</summary>
public enum ObservationStatus
{
    /// <summary>A published, final figure (统计公报, 年鉴).</summary>
    Normal = 0,
    /// <summary>快报: almost certainly revised later.</summary>
    Provisional = 1,
    /// <summary>预计: an estimate, e.g. in a work report.</summary>
    Estimated = 2,
    /// <summary>A break in the series (口径调整).</summary>
    Break = 3,
}

public static class ObservationStatusText
{
    public static string ToText(this ObservationStatus status) => status switch
    {
        ObservationStatus.Provisional => "provisional",
        ObservationStatus.Estimated => "estimated",
        ObservationStatus.Break => "break",
        _ => "normal",
    };

    /// <summary>Reads status words in English or as Chinese tables write them.</summary>
    public static ObservationStatus? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return ObservationStatus.Normal;
        }

        var s = ChineseText.Compact(text).ToLowerInvariant();
        if (s is "normal" or "final" or "a" or "正式" or "公报" or "统计公报" or "年报" or "终核")
        {
            return ObservationStatus.Normal;
        }

        if (s is "provisional" or "p" || s.Contains("快报", StringComparison.Ordinal) || s.Contains("初步", StringComparison.Ordinal) || s.Contains("初核", StringComparison.Ordinal))
        {
            return ObservationStatus.Provisional;
        }

        if (s is "estimated" or "e" || s.Contains("预计", StringComparison.Ordinal) || s.Contains("预估", StringComparison.Ordinal) || s.Contains("估计", StringComparison.Ordinal))
        {
            return ObservationStatus.Estimated;
        }

        if (s is "break" or "b" || s.Contains("口径", StringComparison.Ordinal))
        {
            return ObservationStatus.Break;
        }

        return null;
    }
}
