using System.ComponentModel.DataAnnotations;
using WuzhongCollector.Core.Quality;
using WuzhongCollector.Service.Web;

namespace WuzhongCollector.Service.Plan;

/// <summary>The follow-up list: current figures that broke a range rule or stand out as outliers. Flagged, never dropped.</summary>
public static class QualityApi
{
    public static IEndpointRouteBuilder MapQualityApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/quality/flags", ListFlagsAsync).WithTags("Plan monitoring")
            .WithSummary("Current figures flagged for follow-up: outside the indicator's plausible range, or outliers by modified z-score");
        return app;
    }

    private static async Task<IResult> ListFlagsAsync(PlanReader reader, CancellationToken cancellationToken,
        string area = PlanReport.PlanArea, AsOf? asOf = null, [AllowedValues(QualityFlag.Range, QualityFlag.Outlier)] string? rule = null)
    {
        var report = await reader.ReadAsync(area, asOf?.Value, cancellationToken);
        var rows = report.Indicators
            .SelectMany(i => i.Figures.SelectMany(f => f.Flags.Select(flag => (i.Indicator, Figure: f, Flag: flag))))
            .Where(x => rule is null || x.Flag.Rule == rule)
            .Select(x => new
            {
                indicator = x.Indicator.Code,
                x.Indicator.NameZh,
                x.Indicator.Unit,
                area,
                x.Figure.Period,
                x.Figure.Value,
                x.Figure.Status,
                x.Figure.Source,
                x.Figure.Vintage,
                x.Figure.RunId,
                x.Figure.RecordedAt,
                x.Figure.Location,
                x.Flag.Rule,
                x.Flag.Message,
                x.Flag.Score,
            })
            .ToList();
        return Results.Ok(rows);
    }
}
