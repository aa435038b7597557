using WuzhongCollector.Core.Catalogue;

namespace WuzhongCollector.Core.Reporting;

/// <summary>One stored submission: which indicators of which period it delivered, and on which day (China date).</summary>
public sealed record Submission(string Department, string Period, DateOnly SubmittedOn, IReadOnlyList<string> Indicators);

public enum DeliveryStatus
{
    /// <summary>按时报送: every indicator delivered by the due date.</summary>
    OnTime,
    /// <summary>逾期报送: every indicator delivered, the last after the due date.</summary>
    Late,
    /// <summary>未报送: past the due date with indicators still missing.</summary>
    Missing,
    /// <summary>未到期: not due yet, indicators still missing.</summary>
    Open,
}

public sealed record ObligationStatus(Obligation Obligation, DeliveryStatus Status, DateOnly? CompletedOn, IReadOnlyList<Indicator> Missing, int Submissions);

/// <summary>
/// DHIS2's reporting rate for a district plan: per department and period, on time, late or missing, judged
/// indicator by indicator. An indicator counts as delivered on the first day a submission carried a figure for it
/// (a new, revised or confirmed one); the obligation is complete on the day its last indicator was delivered.
/// </summary>
public static class Completeness
{
    public static ObligationStatus Judge(Obligation obligation, IEnumerable<Submission> submissions, DateOnly today)
    {
        var own = submissions.Where(s => s.Department == obligation.Department && s.Period == obligation.Period.Id).ToList();
        var firstDelivery = new Dictionary<string, DateOnly>(StringComparer.Ordinal);
        foreach (var submission in own.OrderBy(s => s.SubmittedOn))
        {
            foreach (var code in submission.Indicators)
            {
                firstDelivery.TryAdd(code, submission.SubmittedOn);
            }
        }

        var missing = obligation.Rows.Where(r => !firstDelivery.ContainsKey(r.Indicator.Code)).Select(r => r.Indicator).ToList();
        if (missing.Count > 0)
        {
            return new ObligationStatus(obligation, today > obligation.Due ? DeliveryStatus.Missing : DeliveryStatus.Open, null, missing, own.Count);
        }

        var completed = obligation.Rows.Max(r => firstDelivery[r.Indicator.Code]);
        return new ObligationStatus(obligation, completed <= obligation.Due ? DeliveryStatus.OnTime : DeliveryStatus.Late, completed, [], own.Count);
    }

    public static string ToText(this DeliveryStatus status) => status switch
    {
        DeliveryStatus.OnTime => "on-time",
        DeliveryStatus.Late => "late",
        DeliveryStatus.Missing => "missing",
        _ => "open",
    };

    public static string ToChinese(this DeliveryStatus status) => status switch
    {
        DeliveryStatus.OnTime => "按时报送",
        DeliveryStatus.Late => "逾期报送",
        DeliveryStatus.Missing => "未报送",
        _ => "未到期",
    };
}
