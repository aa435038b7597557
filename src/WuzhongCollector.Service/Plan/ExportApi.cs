using System.Data;
using System.Text;
using MiniExcelLibs;
using Sylvan.Data.Csv;

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
        string format = "xlsx", string layout = "long", string lang = "zh", string? indicators = null, string area = PlanReport.PlanArea, DateTimeOffset? asOf = null)
    {
        if (Check(format, lang) is { } bad)
        {
            return bad;
        }

        if (layout is not ("long" or "sheets"))
        {
            return Results.Problem($"layout: '{layout}' is not long or sheets", statusCode: 400);
        }

        if (layout == "sheets" && format == "csv")
        {
            return Results.Problem("layout=sheets needs format=xlsx: a CSV file has one table", statusCode: 400);
        }

        var report = await reader.ReadAsync(area, asOf, cancellationToken);
        var wanted = indicators?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        var unknown = wanted?.Where(code => report.Find(code) is null).ToList();
        if (unknown is { Count: > 0 })
        {
            return Results.Problem($"indicators: unknown code(s) {string.Join(", ", unknown)}", statusCode: 400);
        }

        var selected = report.Indicators.Where(i => wanted is null || wanted.Contains(i.Indicator.Code)).ToList();
        var chinese = lang == "zh";
        var name = $"wuzhong-observations-{area}";
        if (layout == "long")
        {
            var table = ExportTables.Observations(selected, area, chinese);
            return format == "csv" ? await CsvAsync(table, name, cancellationToken) : await XlsxAsync(table, name, cancellationToken);
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
        string format = "xlsx", string lang = "zh", string area = PlanReport.PlanArea, DateTimeOffset? asOf = null)
    {
        if (Check(format, lang) is { } bad)
        {
            return bad;
        }

        var report = await reader.ReadAsync(area, asOf, cancellationToken);
        var table = ExportTables.Progress(report, lang == "zh");
        var name = $"wuzhong-progress-{area}";
        return format == "csv" ? await CsvAsync(table, name, cancellationToken) : await XlsxAsync(table, name, cancellationToken);
    }

    private static IResult? Check(string format, string lang) =>
        format is not ("csv" or "xlsx") ? Results.Problem($"format: '{format}' is not csv or xlsx", statusCode: 400)
        : lang is not ("zh" or "en") ? Results.Problem($"lang: '{lang}' is not zh or en", statusCode: 400)
        : null;

    private static async Task<IResult> CsvAsync(DataTable table, string name, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        // A BOM, so Excel opens the Chinese text as UTF-8.
        await using (var writer = new StreamWriter(buffer, new UTF8Encoding(true), leaveOpen: true))
        await using (var csv = CsvDataWriter.Create(writer))
        {
            await csv.WriteAsync(table.CreateDataReader(), cancellationToken);
        }

        return Results.File(buffer.ToArray(), "text/csv; charset=utf-8", name + ".csv");
    }

    private static async Task<IResult> XlsxAsync(object sheets, string name, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        await buffer.SaveAsAsync(sheets, excelType: ExcelType.XLSX, cancellationToken: cancellationToken);
        return Results.File(buffer.ToArray(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name + ".xlsx");
    }
}
