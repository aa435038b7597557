using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Normalisation;
using WuzhongCollector.Core.Parsing;
using WuzhongCollector.Core.Tables;

namespace WuzhongCollector.Core.Reporting;

/// <summary>What one row of a report would do: store a new or revised figure, confirm the current one, or nothing (rejected or left blank).</summary>
public enum ReportChange
{
    New,
    Revised,
    Unchanged,
    Rejected,
    Blank,
}

/// <summary>One row of a checked report: what it would do, the figure or the reject, and the figure that stands now for its key (value, status), if any.</summary>
public sealed record ReportLine(string? IndicatorCode, string Location, ReportChange Change, Observation? Observation, Rejection? Rejection, CurrentValue? Current);

public sealed record CurrentValue(decimal Value, ObservationStatus Status);

/// <summary>A whole upload refused before any row is looked at: not this department's template, or not readable.</summary>
public sealed class ReportFileException(string message) : Exception(message);

public sealed record ReportCheckResult(IReadOnlyList<ReportLine> Lines)
{
    /// <summary>Indicators the report delivers: new, revised and confirmed figures.</summary>
    public IReadOnlyList<string> Delivered => Lines.Where(l => l.Change is ReportChange.New or ReportChange.Revised or ReportChange.Unchanged)
        .Select(l => l.IndicatorCode!).ToList();

    /// <summary>What the writer is given: new and revised figures and every reject. Confirmed figures are already stored.</summary>
    public IEnumerable<(Observation? Observation, Rejection? Rejection)> ToWrite => Lines
        .Where(l => l.Change is ReportChange.New or ReportChange.Revised or ReportChange.Rejected or ReportChange.Blank)
        .Select(l => (l.Observation, l.Rejection));

    public int Count(ReportChange change) => Lines.Count(l => l.Change == change);
}

/// <summary>
/// Checks a department's report row by row, after the one mapper of every source has read it: the file must be
/// the template of this department and period; each row must be one of the obligation's indicators, for its
/// period, once, with a status chosen. A figure equal in value and status to the current one is a confirmation:
/// it counts as delivered but adds no vintage.
/// </summary>
public static class ReportCheck
{
    public static ReportCheckResult Check(
        IEnumerable<RawRecord> records, Obligation obligation, IndicatorCatalogue catalogue,
        IReadOnlyDictionary<string, CurrentValue> current, CancellationToken cancellationToken = default)
    {
        var title = ReportTemplate.Title(obligation.Department, obligation.Period);
        var mapper = new RecordMapper(ReportTemplate.Mapping, catalogue);
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = new List<ReportLine>();
        foreach (var record in records)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (lines.Count == 0)
            {
                CheckTitle(record.Get(TableFieldDictionary.TitleField), title);
            }

            var code = record.Get(ReportTemplate.Code)?.Trim() ?? string.Empty;
            var where = record.Where(ReportTemplate.Value);
            var row = obligation.Row(code);
            if (row is null)
            {
                var whose = catalogue.Find(code) is null ? $"'{code}' 不是指标代码" : $"指标 {code} 不在{obligation.Department} {obligation.Period.Id} 的填报范围内：只能报送本单位负责的指标";
                lines.Add(Reject(code, record.Where(ReportTemplate.Code), "indicator", code, whose));
                continue;
            }

            var periodText = record.Get(ReportTemplate.PeriodColumn)?.Trim();
            if (periodText != row.Period.Id)
            {
                lines.Add(Reject(code, record.Where(ReportTemplate.PeriodColumn), "period", periodText, $"期别应为 {row.Period.Id}（模板的锁定列被改动过）"));
                continue;
            }

            if (seen.TryGetValue(code, out var first))
            {
                lines.Add(Reject(code, where, "indicator", code, $"指标 {code} 重复：已在 {first} 填报"));
                continue;
            }

            seen[code] = where;
            var (observation, rejection) = mapper.Map(record);
            if (observation is null)
            {
                var r = rejection!;
                lines.Add(new ReportLine(code, r.Location, r.Kind == RejectKind.Error ? ReportChange.Rejected : ReportChange.Blank, null, r with { Reason = Explain(r) }, null));
                continue;
            }

            var statusText = record.Get(ReportTemplate.Status)?.Trim();
            if (string.IsNullOrEmpty(statusText) || !ReportTemplate.Statuses.Contains(statusText))
            {
                lines.Add(Reject(code, record.Where(ReportTemplate.Status), "status", statusText,
                    string.IsNullOrEmpty(statusText) ? "数据状态为空：请选择 公报、快报 或 预计" : $"数据状态 '{statusText}' 无效：请选择 公报、快报 或 预计"));
                continue;
            }

            var now = current.GetValueOrDefault(code);
            var change = now is null ? ReportChange.New
                : now.Value == observation.Value && now.Status == observation.Status ? ReportChange.Unchanged
                : ReportChange.Revised;
            lines.Add(new ReportLine(code, where, change, observation, null, now));
        }

        if (lines.Count == 0)
        {
            throw new ReportFileException("文件中没有数据行");
        }

        return new ReportCheckResult(lines);
    }

    private static void CheckTitle(string? found, string expected)
    {
        if (string.Equals(found?.Trim(), expected, StringComparison.Ordinal))
        {
            return;
        }

        throw new ReportFileException(found is not null && found.StartsWith("吴中区数字经济指标填报表", StringComparison.Ordinal)
            ? $"这是另一份模板（{found.Trim()}），不是{expected}：请下载本单位本期的模板"
            : $"这不是填报模板：首行应为“{expected}”。请下载本单位本期的模板填写");
    }

    private static ReportLine Reject(string? code, string location, string field, string? raw, string reason) =>
        new(code, location, ReportChange.Rejected, null, new Rejection(location, field, raw, reason), null);

    /// <summary>The mapper's reason, led by what it means for the person filling the form.</summary>
    private static string Explain(Rejection r) => (r.Kind, r.Field) switch
    {
        (RejectKind.Missing, _) => $"未填写（{r.Reason}）",
        (RejectKind.BelowUnit, _) => $"数值小于计量单位，未采用（{r.Reason}）",
        (_, "value") => $"本期数值不是数字：'{r.RawValue}'（{r.Reason}）",
        (_, "unit") => $"单位不符（{r.Reason}）",
        (_, "status") => $"数据状态无效（{r.Reason}）",
        _ => r.Reason,
    };
}
