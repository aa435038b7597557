using System.Diagnostics.Metrics;

namespace WuzhongCollector.Service.Plan;

/// <summary>
/// Staleness as metrics on the "WuzhongCollector" meter, for whatever exporter listens to it. Observable gauges
/// are read synchronously, so they report the last computed <see cref="FreshnessReport"/>, which
/// <see cref="FreshnessRefresher"/> and every fresh API read keep current.
/// </summary>
public sealed class FreshnessMetrics
{
    public const string MeterName = "WuzhongCollector";

    private volatile FreshnessReport? latest;

    public FreshnessMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableGauge("wuzhong.freshness.source.stale", () => SourceMeasurements(s => s.Stale ? 1 : 0),
            unit: "{source}", description: "1 when the source's latest figure is overdue by its declared cadence and publication lag, else 0");
        meter.CreateObservableGauge("wuzhong.freshness.source.overdue_days", () => SourceMeasurements(s => s.OverdueDays),
            unit: "d", description: "Days since the first missing period of the source was due (0 when fresh)");
        meter.CreateObservableGauge("wuzhong.freshness.indicators.stale", () => latest is { } report ? [new Measurement<int>(report.StaleIndicators)] : Array.Empty<Measurement<int>>(),
            unit: "{indicator}", description: "Indicators whose latest figure is overdue");
    }

    public FreshnessReport? Latest => latest;

    public void Update(FreshnessReport report) => latest = report;

    private IEnumerable<Measurement<int>> SourceMeasurements(Func<Core.Freshness.FreshnessState, int> value) =>
        latest is { } report
            ? report.Sources.Where(s => s.State is not null).Select(s => new Measurement<int>(value(s.State!), new KeyValuePair<string, object?>("source", s.Id)))
            : [];
}
