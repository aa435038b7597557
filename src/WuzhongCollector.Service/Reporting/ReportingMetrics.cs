using Prometheus;
using WuzhongCollector.Core.Reporting;
using WuzhongCollector.Service.Operations;

namespace WuzhongCollector.Service.Reporting;

/// <summary>Overdue reporting obligations in /metrics, read from the database at each scrape like the per-source gauges.</summary>
public sealed class ReportingMetrics
{
    private readonly CompletenessReader reader;
    private readonly Gauge overdue;
    private readonly Gauge missingIndicators;

    public ReportingMetrics(CollectorMetrics metrics, CompletenessReader reader, ReportingPlan plan)
    {
        this.reader = reader;
        var factory = Metrics.WithCustomRegistry(metrics.Registry);
        overdue = factory.CreateGauge("wuzhong_reporting_overdue_obligations", "Reporting periods past their due date with indicators still missing, by department.", "department");
        missingIndicators = factory.CreateGauge("wuzhong_reporting_overdue_indicators", "Indicators still missing in overdue reporting periods, by department.", "department");
        if (plan.Departments.Count > 0)
        {
            metrics.Registry.AddBeforeCollectCallback(RefreshAsync);
        }
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var report = await reader.ReadAsync(null, cancellationToken);
        foreach (var department in report.Obligations.GroupBy(o => o.Status.Obligation.Department))
        {
            var late = department.Where(o => o.Status.Status == DeliveryStatus.Missing).ToList();
            overdue.WithLabels(department.Key).Set(late.Count);
            missingIndicators.WithLabels(department.Key).Set(late.Sum(o => o.Status.Missing.Count));
        }
    }
}
