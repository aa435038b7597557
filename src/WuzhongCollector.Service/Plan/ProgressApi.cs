using WuzhongCollector.Core.Progress;
using WuzhongCollector.Service.Caching;
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

    // "Now" answers judge freshness by today's date in China, so the date is part of their key.
    private static DateOnly? TodayUnless(DateTimeOffset? asOf, TimeProvider time) => asOf is null ? FreshnessReport.DateInChina(time.GetUtcNow()) : null;

    private static Task<IResult> ListAsync(HttpContext http, PlanReader reader, FreshnessMetrics metrics, AnswerCache cache, TimeProvider time, CancellationToken cancellationToken,
        string area = PlanReport.PlanArea, AsOf? asOf = null) =>
        cache.AnswerAsync(http, AnswerCache.Key("progress", area, asOf?.Value, TodayUnless(asOf?.Value, time)), asOf?.Value, AnswerFormat.Json, async (body, ct) =>
        {
            var report = await reader.ReadAsync(area, asOf?.Value, ct);
            if (asOf?.Value is null)
            {
                metrics.Update(report.Freshness);
            }

            var s = reader.Settings;
            var counts = Enum.GetValues<ProgressStatus>().ToDictionary(
                status => status.ToText(),
                status => report.Indicators.Sum(i => i.Progress.Targets.Count(t => t.Status == status)));
            await cache.WriteJsonAsync(body, new PlanProgressResponse(report.Area, report.AsOf, report.EvaluatedAt,
                new PlanSettingsResponse(s.BaseYear, s.OnTrackFrom, s.AtRiskFrom, s.OutlierThreshold, s.OutlierMinPoints),
                counts, report.Freshness.StaleIndicators,
                report.Indicators.Select(i => IndicatorProgressResponse.From(i, detail: false)).ToList()), ct);
            return null;
        }, cancellationToken);

    private static Task<IResult> GetAsync(string code, HttpContext http, PlanReader reader, AnswerCache cache, TimeProvider time, CancellationToken cancellationToken,
        string area = PlanReport.PlanArea, AsOf? asOf = null) =>
        cache.AnswerAsync(http, AnswerCache.Key("progress-indicator", code, area, asOf?.Value, TodayUnless(asOf?.Value, time)), asOf?.Value, AnswerFormat.Json, async (body, ct) =>
        {
            var report = await reader.ReadAsync(area, asOf?.Value, ct);
            if (report.Find(code) is not { } indicator)
            {
                return Results.Problem($"no indicator '{code}'", statusCode: 404);
            }

            await cache.WriteJsonAsync(body, IndicatorProgressResponse.From(indicator, detail: true), ct);
            return null;
        }, cancellationToken);

    private static Task<IResult> FreshnessAsync(HttpContext http, PlanReader reader, FreshnessMetrics metrics, AnswerCache cache, TimeProvider time, CancellationToken cancellationToken,
        AsOf? asOf = null) =>
        cache.AnswerAsync(http, AnswerCache.Key("freshness", asOf?.Value, TodayUnless(asOf?.Value, time)), asOf?.Value, AnswerFormat.Json, async (body, ct) =>
        {
            var report = await reader.ReadAsync(PlanReport.PlanArea, asOf?.Value, ct);
            if (asOf?.Value is null)
            {
                metrics.Update(report.Freshness);
            }

            var f = report.Freshness;
            await cache.WriteJsonAsync(body, new
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
            }, ct);
            return null;
        }, cancellationToken);
}
