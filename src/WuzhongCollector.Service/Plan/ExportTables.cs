using System.Data;
using System.Globalization;
using WuzhongCollector.Core.Catalogue;

namespace WuzhongCollector.Service.Plan;

/// <summary>The export tables, with Chinese or English headers and values: one place decides every column.</summary>
public static class ExportTables
{
    private static readonly Dictionary<string, string> StatusZh = new(StringComparer.Ordinal)
    {
        ["normal"] = "公报", ["provisional"] = "快报", ["estimated"] = "预计", ["break"] = "口径调整", ["derived"] = "推算",
    };

    private static readonly Dictionary<string, string> PeriodTypeZh = new(StringComparer.Ordinal)
    {
        ["year"] = "年", ["quarter"] = "季", ["month"] = "月", ["ytd"] = "累计",
    };

    private static readonly (string Zh, string En, Type Type)[] ObservationColumns =
    [
        ("指标代码", "indicator_code", typeof(string)), ("指标名称", "indicator_name", typeof(string)), ("地区代码", "area_code", typeof(string)),
        ("期别", "period", typeof(string)), ("期别类型", "period_type", typeof(string)), ("数值", "value", typeof(decimal)), ("单位", "unit", typeof(string)),
        ("数据状态", "status", typeof(string)), ("来源", "source", typeof(string)), ("版本", "vintage", typeof(int)), ("运行编号", "run_id", typeof(long)),
        ("记录时间(UTC)", "recorded_at_utc", typeof(string)), ("数据位置", "location", typeof(string)), ("质量标记", "quality_flags", typeof(string)),
    ];

    private static readonly (string Zh, string En, Type Type)[] ProgressColumns =
    [
        ("规划章节", "section", typeof(string)), ("指标代码", "indicator_code", typeof(string)), ("指标名称", "indicator_name", typeof(string)),
        ("责任单位", "departments", typeof(string)), ("目标", "target", typeof(string)), ("目标年份", "target_year", typeof(int)), ("单位", "unit", typeof(string)),
        ("最新期别", "latest_period", typeof(string)), ("最新值", "latest_value", typeof(decimal)), ("基期值", "baseline", typeof(decimal)),
        ("进度", "progress", typeof(decimal)), ("状态", "status", typeof(string)), ("预测方法", "projection_method", typeof(string)),
        ("预测值", "projected_value", typeof(decimal)), ("预测进度", "projected_progress", typeof(decimal)), ("每年需增加", "needed_annual_change", typeof(decimal)),
        ("每年需增长(%)", "needed_annual_growth_percent", typeof(decimal)), ("数据过期", "stale", typeof(string)), ("说明", "reason", typeof(string)),
    ];

    public static DataTable Observations(IEnumerable<IndicatorReport> indicators, string area, bool chinese, string tableName = "observations")
    {
        var table = NewTable(tableName, ObservationColumns, chinese);
        foreach (var report in indicators)
        {
            var i = report.Indicator;
            foreach (var f in report.Figures)
            {
                table.Rows.Add(
                    i.Code, chinese ? i.NameZh : i.NameEn, area, f.Period, chinese ? PeriodTypeZh.GetValueOrDefault(f.PeriodType, f.PeriodType) : f.PeriodType,
                    f.Value, i.Unit, chinese ? StatusZh.GetValueOrDefault(f.Status, f.Status) : f.Status, f.Source,
                    (object?)f.Vintage ?? DBNull.Value, (object?)f.RunId ?? DBNull.Value,
                    f.RecordedAt?.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? (object)DBNull.Value,
                    (object?)f.Location ?? DBNull.Value, string.Join("; ", f.Flags.Select(flag => flag.Message)));
            }
        }

        return table;
    }

    public static DataTable Progress(PlanReport report, bool chinese)
    {
        var table = NewTable(chinese ? "进度" : "progress", ProgressColumns, chinese);
        foreach (var indicator in report.Indicators)
        {
            var i = indicator.Indicator;
            foreach (var t in indicator.Progress.Targets)
            {
                table.Rows.Add(
                    i.Section, i.Code, chinese ? i.NameZh : i.NameEn, string.Join("、", i.Departments),
                    $"{t.Target.Comparator.ToSymbol()} {t.Target.Value.ToString(CultureInfo.InvariantCulture)}", t.Target.Year, i.Unit,
                    (object?)t.Latest?.Period.Id ?? DBNull.Value, Db(t.Latest?.Value), Db(t.Baseline), Db(t.Progress),
                    chinese ? Core.Progress.ProgressStatusText.ToChinese(t.Status) : Core.Progress.ProgressStatusText.ToText(t.Status),
                    (object?)t.Projection?.Method ?? DBNull.Value, Db(t.Projection?.Value), Db(t.Projection?.Progress),
                    Db(t.NeededAnnualChange), Db(t.NeededAnnualGrowthPercent),
                    indicator.Freshness?.State is { } s ? (s.Stale ? (chinese ? "是" : "yes") : (chinese ? "否" : "no")) : DBNull.Value,
                    t.Reason);
            }
        }

        return table;
    }

    /// <summary>The first sheet of a per-indicator workbook: which sheet holds which indicator.</summary>
    public static DataTable Index(IEnumerable<(string Sheet, Indicator Indicator, int Figures)> sheets, bool chinese)
    {
        var table = NewTable(chinese ? "指标" : "indicators",
            [("工作表", "sheet", typeof(string)), ("指标代码", "indicator_code", typeof(string)), ("指标名称", "indicator_name", typeof(string)),
             ("单位", "unit", typeof(string)), ("目标", "targets", typeof(string)), ("数据条数", "figures", typeof(int))], chinese);
        foreach (var (sheet, i, figures) in sheets)
        {
            var targets = string.Join("; ", i.Targets.Select(t => $"{t.Comparator.ToSymbol()} {t.Value.ToString(CultureInfo.InvariantCulture)} ({t.Year})"));
            table.Rows.Add(sheet, i.Code, chinese ? i.NameZh : i.NameEn, i.Unit, targets, figures);
        }

        return table;
    }

    /// <summary>Excel allows 31 characters and no []:*?/\ in a sheet name; codes are longer sometimes, so cut and number.</summary>
    public static string SheetName(string code, ISet<string> taken)
    {
        var name = new string(code.Where(c => "[]:*?/\\".IndexOf(c, StringComparison.Ordinal) < 0).ToArray());
        name = name.Length > 31 ? name[..31] : name;
        for (var n = 2; !taken.Add(name); n++)
        {
            var suffix = "~" + n.ToString(CultureInfo.InvariantCulture);
            name = name[..Math.Min(name.Length, 31 - suffix.Length)] + suffix;
        }

        return name;
    }

    private static object Db(decimal? value) => value is { } v ? v : DBNull.Value;

    private static DataTable NewTable(string name, (string Zh, string En, Type Type)[] columns, bool chinese)
    {
        var table = new DataTable(name) { Locale = CultureInfo.InvariantCulture };
        foreach (var (zh, en, type) in columns)
        {
            table.Columns.Add(chinese ? zh : en, type);
        }

        return table;
    }
}
