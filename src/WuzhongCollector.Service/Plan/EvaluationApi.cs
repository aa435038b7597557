using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Progress;
using WuzhongCollector.Service.Reporting;
using WuzhongCollector.Service.Web;

namespace WuzhongCollector.Service.Plan;

/// <summary>The final evaluation (终期评估) of the plan: met or not met at each target year, with the figure and status that decided it.</summary>
public static class EvaluationApi
{
    public static IEndpointRouteBuilder MapEvaluationApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/evaluation", EvaluateAsync).WithTags("Plan monitoring")
            .WithSummary("The final evaluation (终期评估): each target met, not met, or not judgeable at its target year, with the deciding figure, its status (公报/快报/预计) and source; finished says whether the plan period is over");
        return app;
    }

    private static async Task<IResult> EvaluateAsync(PlanReader reader, CancellationToken cancellationToken, string area = PlanReport.PlanArea, AsOf? asOf = null)
    {
        var report = await reader.ReadAsync(area, asOf?.Value, cancellationToken);
        var planEndYear = reader.Settings.PlanEndYear;
        var targets = report.Indicators.SelectMany(i => i.Progress.Targets.Select(t => (Indicator: i, Final: FinalEvaluation.Judge(t)))).ToList();
        return Results.Ok(new
        {
            report.Area,
            report.AsOf,
            report.EvaluatedAt,
            planEndYear,
            finished = report.Freshness.Today > new DateOnly(planEndYear, 12, 31),
            counts = Enum.GetValues<FinalVerdict>().ToDictionary(v => v.ToText(), v => targets.Count(t => t.Final.Verdict == v)),
            targets = targets.Select(t =>
            {
                var indicator = t.Indicator.Indicator;
                var target = t.Final.Target.Target;
                var figure = t.Final.Figure is { } f ? t.Indicator.Figures.FirstOrDefault(x => x.Period == f.Period.Id) : null;
                return new
                {
                    indicator.Code,
                    indicator.NameZh,
                    indicator.Unit,
                    indicator.Section,
                    indicator.Departments,
                    target.Year,
                    comparator = target.Comparator.ToSymbol(),
                    target = target.Value,
                    verdict = t.Final.Verdict.ToText(),
                    verdictZh = t.Final.Verdict.ToChinese(),
                    figure = t.Final.Figure is null ? null : new
                    {
                        period = t.Final.Figure.Period.Id,
                        value = t.Final.Figure.Value,
                        status = figure?.Status,
                        statusZh = figure is null ? null : ReportTemplateWriter.StatusZh(figure.Status == "derived" ? "推算" : figure.Status),
                        source = figure?.Source,
                    },
                };
            }),
        });
    }
}
