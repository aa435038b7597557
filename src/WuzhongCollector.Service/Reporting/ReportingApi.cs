using WuzhongCollector.Core.Normalisation;
using WuzhongCollector.Core.Reporting;
using WuzhongCollector.Service.Web;

namespace WuzhongCollector.Service.Reporting;

/// <summary>GET /api/reporting: who has delivered what, for analysts and the plan page.</summary>
public static class ReportingApi
{
    public static IEndpointRouteBuilder MapReportingApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/reporting", ListAsync).WithTags("Plan monitoring")
            .WithSummary("Department reporting: per department and reporting period, delivered on time, late, missing or not yet due, with the indicators still missing; period narrows to the periods within it (2023 gives 2023 and its quarters)");
        return app;
    }

    private static async Task<IResult> ListAsync(CompletenessReader reader, ReportingPlan plan, CancellationToken cancellationToken,
        string? period = null, string? department = null, AsOf? asOf = null)
    {
        Period? within = null;
        if (period is not null)
        {
            if (!ReportingPlan.TryParsePeriod(period, out var parsed))
            {
                return ApiErrors.BadParameter("period", $"'{period}' is not a reporting period (2023, 2023-Q3 or 2023-09)");
            }

            within = parsed;
        }

        if (department is not null && !plan.Departments.Contains(department))
        {
            return ApiErrors.BadParameter("department", $"'{department}' reports nothing (see config/reporting.yaml)");
        }

        var report = await reader.ReadAsync(asOf?.Value, cancellationToken);
        var shown = report.Obligations
            .Where(o => within is not { } w || (o.Status.Obligation.Period.Start >= w.Start && o.Status.Obligation.Period.End <= w.End))
            .Where(o => department is null || o.Status.Obligation.Department == department)
            .ToList();
        return Results.Ok(new
        {
            today = report.Today,
            asOf = asOf?.Value,
            period = within?.Id,
            planEndYear = plan.PlanEndYear,
            departments = plan.Departments,
            counts = Enum.GetValues<DeliveryStatus>().ToDictionary(s => s.ToText(), s => shown.Count(o => o.Status.Status == s)),
            obligations = shown.Select(Response),
        });
    }

    public static object Response(ObligationReport report)
    {
        var s = report.Status;
        return new
        {
            s.Obligation.Department,
            period = s.Obligation.Period.Id,
            due = s.Obligation.Due,
            status = s.Status.ToText(),
            statusZh = s.Status.ToChinese(),
            s.CompletedOn,
            indicators = s.Obligation.Rows.Count,
            missing = s.Missing.Select(i => new { i.Code, i.NameZh }),
            s.Submissions,
            report.LastSubmittedAt,
            report.LastSubmittedBy,
            report.Sample,
        };
    }
}
