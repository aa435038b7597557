using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using WuzhongCollector.Core.Reporting;

namespace WuzhongCollector.Service.Reporting;

/// <summary>
/// What the /report page calls: who am I and what do I owe, an obligation's rows, the template, and the upload
/// that checks a report (writing nothing) or, with <c>confirm</c> set to the checked payload's SHA-256, stores it.
/// </summary>
public static class ReportApi
{
    public static IEndpointRouteBuilder MapReportApi(this IEndpointRouteBuilder app, long maxUploadBytes)
    {
        var report = app.MapGroup("/report").ExcludeFromDescription();
        report.MapGet("/api/me", MeAsync);
        report.MapGet("/{department}/rows", RowsAsync);
        report.MapGet("/{department}/template", TemplateAsync);
        report.MapPost("/{department}/upload", UploadAsync)
            // The form and Kestrel stop reading a little past the limit; UploadAsync names the limit for anything between.
            .WithMetadata(new RequestSizeLimitAttribute(maxUploadBytes + (1 << 20)))
            .WithFormOptions(multipartBodyLengthLimit: maxUploadBytes + (1 << 20));
        return app;
    }

    private static async Task<IResult> MeAsync(HttpContext context, ReportingPlan plan, CompletenessReader completeness, IAntiforgery antiforgery, IOptions<ReportingOptions> options,
        CancellationToken cancellationToken)
    {
        if (await ReportLogin.UserAsync(context) is not { } user)
        {
            return NotLoggedIn();
        }

        var tokens = antiforgery.GetAndStoreTokens(context);
        var departments = plan.Departments.Where(user.MayReport).ToList();
        var report = await completeness.ReadAsync(null, cancellationToken);
        return Results.Ok(new
        {
            user = user.Name,
            user.Role,
            user.Department,
            departments,
            today = report.Today,
            maxUploadBytes = options.Value.MaxUploadBytes,
            antiforgery = new { field = tokens.FormFieldName, token = tokens.RequestToken },
            obligations = report.Obligations.Where(o => departments.Contains(o.Status.Obligation.Department)).Select(ReportingApi.Response),
        });
    }

    private static async Task<IResult> RowsAsync(string department, string? period, HttpContext context, ReportingPlan plan, ReportReader reader, CancellationToken cancellationToken)
    {
        var (obligation, refusal) = await ObligationAsync(context, plan, department, period);
        if (obligation is null)
        {
            return refusal!;
        }

        var last = await reader.LastFiguresAsync(obligation, cancellationToken);
        return Results.Ok(new
        {
            obligation.Department,
            period = obligation.Period.Id,
            due = obligation.Due,
            rows = obligation.Rows.Select(r => new
            {
                r.Indicator.Code,
                r.Indicator.NameZh,
                r.Indicator.Unit,
                period = r.Period.Id,
                targets = r.Indicator.Targets.Select(t => new { comparator = t.Comparator.ToString(), t.Value, t.Year }),
                last = last.GetValueOrDefault(r.Indicator.Code),
            }),
        });
    }

    private static async Task<IResult> TemplateAsync(string department, string? period, HttpContext context, ReportingPlan plan, ReportReader reader, CancellationToken cancellationToken)
    {
        var (obligation, refusal) = await ObligationAsync(context, plan, department, period);
        if (obligation is null)
        {
            return refusal!;
        }

        var bytes = ReportTemplateWriter.Write(obligation, await reader.LastFiguresAsync(obligation, cancellationToken));
        return Results.File(bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"{department}-{obligation.Period.Id}-填报模板.xlsx");
    }

    private static async Task<IResult> UploadAsync(string department, HttpContext context, IFormCollection form, ReportingPlan plan, ReportReader reader, ReportStore store,
        IOptions<ReportingOptions> options, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var (obligation, refusal) = await ObligationAsync(context, plan, department, form["period"]);
        if (obligation is null)
        {
            return refusal!;
        }

        var user = (await ReportLogin.UserAsync(context))!;
        ReportPayload payload;
        try
        {
            if (form.Files.GetFile("file") is { } file)
            {
                var limit = options.Value.MaxUploadBytes;
                if (file.Length > limit)
                {
                    return Problem(StatusCodes.Status413PayloadTooLarge, $"文件过大：{Megabytes(file.Length)}，上限为 {Megabytes(limit)}。请上传下载的填报模板", "file");
                }

                using var buffer = new MemoryStream((int)file.Length);
                await file.CopyToAsync(buffer, cancellationToken);
                payload = ReportReader.FromFile(file.FileName, buffer.ToArray());
            }
            else
            {
                payload = ReportReader.FromForm(obligation, form);
            }

            var checkedReport = await reader.CheckAsync(obligation, payload, cancellationToken);
            var result = checkedReport.Result;
            var confirm = form["confirm"].ToString();
            if (confirm.Length == 0)
            {
                return Results.Ok(Response(checkedReport, null));
            }

            if (!string.Equals(confirm, payload.Payload.Sha256, StringComparison.Ordinal))
            {
                return Problem(StatusCodes.Status409Conflict, "提交的内容与检查过的不一致（文件或数值在检查后被改动）：请重新检查后再确认", "confirm");
            }

            if (result.Delivered.Count == 0)
            {
                return Problem(StatusCodes.Status400BadRequest, "没有可保存的数值：请至少填写一项并选择数据状态", "file");
            }

            var stored = await store.StoreAsync(checkedReport, user.Name, timeProvider.GetUtcNow(), sample: false, cancellationToken);
            return stored is null
                ? Problem(StatusCodes.Status409Conflict, "本单位的另一份报送正在保存，请稍后再确认", "confirm")
                : Results.Ok(Response(checkedReport, stored));
        }
        catch (ReportFileException ex)
        {
            return Problem(StatusCodes.Status400BadRequest, ex.Message, "file");
        }
    }

    /// <summary>The caller may report for <paramref name="department"/>, and the period is one it owes.</summary>
    private static async Task<(Obligation? Obligation, IResult? Refusal)> ObligationAsync(HttpContext context, ReportingPlan plan, string department, string? period)
    {
        if (await ReportLogin.UserAsync(context) is not { } user)
        {
            return (null, NotLoggedIn());
        }

        if (!user.MayReport(department))
        {
            return (null, Problem(StatusCodes.Status403Forbidden, $"只能查看和报送本单位（{user.Department}）的指标，不能查看或报送{department}的指标", "department"));
        }

        if (!ReportingPlan.TryParsePeriod(period, out var parsed))
        {
            return (null, Problem(StatusCodes.Status400BadRequest, $"报告期 '{period}' 无效：应为 2023、2023-Q3 或 2023-09", "period"));
        }

        return plan.Find(department, parsed) is { } obligation
            ? (obligation, null)
            : (null, Problem(StatusCodes.Status404NotFound, $"{department}没有 {parsed.Id} 的报送任务（见 config/reporting.yaml）", "period"));
    }

    private static object Response(CheckedReport report, StoredReport? stored)
    {
        var result = report.Result;
        var rows = report.Obligation.Rows.ToDictionary(r => r.Indicator.Code, StringComparer.Ordinal);
        return new
        {
            report.Obligation.Department,
            period = report.Obligation.Period.Id,
            report.Payload.FileName,
            report.Payload.Channel,
            sha256 = report.Payload.Payload.Sha256,
            counts = Enum.GetValues<ReportChange>().ToDictionary(c => c.ToString().ToLowerInvariant(), result.Count),
            delivered = result.Delivered.Count,
            lines = result.Lines.Select(l => new
            {
                indicator = l.IndicatorCode,
                nameZh = l.IndicatorCode is { } code && rows.TryGetValue(code, out var row) ? row.Indicator.NameZh : null,
                change = l.Change.ToString().ToLowerInvariant(),
                l.Location,
                period = l.Observation?.Period.Id,
                value = l.Observation?.Value,
                status = l.Observation?.Status.ToString().ToLowerInvariant(),
                current = l.Current is { } c ? new { c.Value, status = c.Status.ToString().ToLowerInvariant() } : null,
                field = l.Rejection?.Field,
                rawValue = l.Rejection?.RawValue,
                reason = l.Rejection?.Reason,
            }),
            stored = stored is null ? null : new { stored.RunId, stored.Outcome, stored.Counts.Stored, stored.Counts.Unchanged, stored.Counts.Rejected, stored.Confirmed },
        };
    }

    private static IResult NotLoggedIn() => Problem(StatusCodes.Status401Unauthorized, "请先登录（/report/login）", "user");

    private static IResult Problem(int status, string detail, string parameter) =>
        Results.Problem(detail, statusCode: status, title: $"Invalid parameter '{parameter}'", extensions: new Dictionary<string, object?> { ["parameter"] = parameter });

    private static string Megabytes(long bytes) => $"{bytes / (1024.0 * 1024.0):0.#} MB";
}
