using System.ComponentModel.DataAnnotations;
using MiniExcelLibs;
using WuzhongCollector.Service.Web;

namespace WuzhongCollector.Service.Plan;

/// <summary>CSV and Excel exports of the figures (long, or one sheet per indicator) and of the progress table.</summary>
public static class ExportApi
{
    public static IEndpointRouteBuilder MapExportApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/export").WithTags("Plan monitoring");
        api.MapGet("/observations", ObservationsAsync)
            .WithSummary("Current figures (with flags and origin) as csv or xlsx; layout=long (one table) or sheets (xlsx: one sheet per indicator); lang=zh or en headers");
        api.MapGet("/progress", ProgressAsync)
            .WithSummary("Progress of every target as csv or xlsx; lang=zh or en headers");
        return app;
    }

    private static async Task<IResult> ObservationsAsync(PlanReader reader, CancellationToken cancellationToken,
        [AllowedValues("csv", "xlsx")] string format = "xlsx", [AllowedValues("long", "sheets")] string layout = "long", [AllowedValues("zh", "en")] string lang = "zh",
        [MaxLength(4000)] string? indicators = null, string area = PlanReport.PlanArea, AsOf? asOf = null)
    {
        if (layout == "sheets" && format == "csv")
        {
            return ApiErrors.BadParameter("layout", "sheets needs format=xlsx: a CSV file has one table");
        }

        var report = await reader.ReadAsync(area, asOf?.Value, cancellationToken);
        var wanted = indicators?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        var unknown = wanted?.Where(code => report.Find(code) is null).ToList();
        if (unknown is { Count: > 0 })
        {
            return ApiErrors.BadParameter("indicators", $"unknown code(s) {string.Join(", ", unknown)}");
        }

        var selected = report.Indicators.Where(i => wanted is null || wanted.Contains(i.Indicator.Code)).ToList();
        var chinese = lang == "zh";
        var name = $"wuzhong-observations-{area}";
        if (layout == "long")
        {
            var table = ExportTables.Observations(selected, area, chinese);
            return format == "csv" ? await CsvAnswer.FileAsync(table, name + ".csv", cancellationToken) : await XlsxAsync(table, name, cancellationToken);
        }

        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { chinese ? "指标" : "indicators" };
        var sheets = selected.Select(i => (Sheet: ExportTables.SheetName(i.Indicator.Code, taken), Report: i)).ToList();
        var workbook = new Dictionary<string, object>
        {
            [chinese ? "指标" : "indicators"] = ExportTables.Index(sheets.Select(s => (s.Sheet, s.Report.Indicator, s.Report.Figures.Count)), chinese),
        };
        foreach (var (sheet, indicator) in sheets)
        {
            workbook[sheet] = ExportTables.Observations([indicator], area, chinese, sheet);
        }

        return await XlsxAsync(workbook, name + "-by-indicator", cancellationToken);
    }

    private static async Task<IResult> ProgressAsync(PlanReader reader, CancellationToken cancellationToken,
        [AllowedValues("csv", "xlsx")] string format = "xlsx", [AllowedValues("zh", "en")] string lang = "zh", string area = PlanReport.PlanArea, AsOf? asOf = null)
    {
        var report = await reader.ReadAsync(area, asOf?.Value, cancellationToken);
        var table = ExportTables.Progress(report, lang == "zh");
        var name = $"wuzhong-progress-{area}";
        return format == "csv" ? await CsvAnswer.FileAsync(table, name + ".csv", cancellationToken) : await XlsxAsync(table, name, cancellationToken);
    }

    private static async Task<IResult> XlsxAsync(object sheets, string name, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        await buffer.SaveAsAsync(sheets, excelType: ExcelType.XLSX, cancellationToken: cancellationToken);
        return Results.File(buffer.ToArray(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name + ".xlsx");
    }
}
