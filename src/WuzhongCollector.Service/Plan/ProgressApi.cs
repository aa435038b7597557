using WuzhongCollector.Core.Progress;
using WuzhongCollector.Service.Web;

namespace WuzhongCollector.Service.Plan;

/// <summary>Progress against every target, and freshness of sources and indicators; both as of any time.</summary>
public static class ProgressApi
{
    public static IEndpointRouteBuilder MapProgressApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Plan monitoring");
        api.MapGet("/progress", ListAsync)
            .WithSummary("Every indicator with each target's status, progress, projection and needed growth; asOf gives the picture as it stood then");
        api.MapGet("/progress/{code}", GetAsync)
            .WithSummary("One indicator's progress with its series (quality flags included) and the projection path, for charts");
        api.MapGet("/freshness", FreshnessAsync)
            .WithSummary("Sources and indicators whose latest figure is overdue, by each source's declared cadence and publication lag");
        return app;
    }

    private static async Task<IResult> ListAsync(PlanReader reader, FreshnessMetrics metrics, CancellationToken cancellationToken,
        string area = PlanReport.PlanArea, AsOf? asOf = null)
    {
        var report = await reader.ReadAsync(area, asOf?.Value, cancellationToken);
        if (asOf is null)
        {
            metrics.Update(report.Freshness);
        }

        var s = reader.Settings;
        var counts = Enum.GetValues<ProgressStatus>().ToDictionary(
            status => status.ToText(),
            status => report.Indicators.Sum(i => i.Progress.Targets.Count(t => t.Status == status)));
        return Results.Ok(new PlanProgressResponse(report.Area, report.AsOf, report.EvaluatedAt,
            new PlanSettingsResponse(s.BaseYear, s.OnTrackFrom, s.AtRiskFrom, s.OutlierThreshold, s.OutlierMinPoints),
            counts, report.Freshness.StaleIndicators,
            report.Indicators.Select(i => IndicatorProgressResponse.From(i, detail: false)).ToList()));
    }

    private static async Task<IResult> GetAsync(string code, PlanReader reader, CancellationToken cancellationToken,
        string area = PlanReport.PlanArea, AsOf? asOf = null)
    {
        var report = await reader.ReadAsync(area, asOf?.Value, cancellationToken);
        return report.Find(code) is { } indicator
            ? Results.Ok(IndicatorProgressResponse.From(indicator, detail: true))
            : Results.Problem($"no indicator '{code}'", statusCode: 404);
    }

    private static async Task<IResult> FreshnessAsync(PlanReader reader, FreshnessMetrics metrics, CancellationToken cancellationToken, AsOf? asOf = null)
    {
        var report = await reader.ReadAsync(PlanReport.PlanArea, asOf?.Value, cancellationToken);
        if (asOf is null)
        {
            metrics.Update(report.Freshness);
        }

        var f = report.Freshness;
        return Results.Ok(new
        {
            today = f.Today,
            asOf = asOf?.Value,
            staleSources = f.Sources.Count(s => s.State?.Stale == true),
            staleIndicators = f.StaleIndicators,
            sources = f.Sources.Select(s => new
            {
                s.Id,
                s.Name,
                cadence = s.Rule?.CadenceText,
                publicationLagDays = s.Rule?.PublicationLagDays,
                declared = s.Rule is not null,
                stale = s.State?.Stale ?? false,
                latestPeriodEnd = s.State?.LatestPeriodEnd,
                expectedPeriodEnd = s.State?.ExpectedPeriodEnd,
                dueSince = s.State?.DueSince,
                overdueDays = s.State?.OverdueDays ?? 0,
            }),
            indicators = report.Indicators.Select(i => new { i.Indicator.Code, i.Indicator.NameZh, freshness = FreshnessResponse.From(i.Freshness) }),
        });
    }
}
