using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace WuzhongCollector.Service.Tests.Plan;

public sealed class FreshnessTests : IDisposable
{
    private const string Yearly = "freshness: { cadence: yearly, publicationLagDays: 120 }";
    private readonly TestConfig config = new();

    public void Dispose() => config.Dispose();

    [Fact]
    public async Task Freshness_OverdueSource_IsStaleInTheApiTheProgressAndTheMetric()
    {
        // On 2024-03-01 a yearly source with a 120-day lag owes the 2022 figures (due 2023-04-30).
        config.WriteCsvSource("late", $"{PlanFixture.Header}\nINDUSTRIAL_ROBOTS_DEPLOYED,2021年,310,台,公报\n", Yearly);
        config.WriteCsvSource("ontime", $"{PlanFixture.Header}\nSOFTWARE_IT_SERVICES_OUTPUT,2022年,110,亿元,公报\n", Yearly);
        config.WriteCsvSource("undeclared", $"{PlanFixture.Header}\nGOV_CLOUD_ADOPTION_RATE,2021年,80,%,公报\n");
        await using var host = await CollectorHost.StartAsync(config, timeProvider: PlanFixture.Time());
        foreach (var id in new[] { "late", "ontime", "undeclared" })
        {
            await host.CollectAsync(id);
        }

        var freshness = (await host.Http.GetFromJsonAsync<FreshnessResponseDto>("/api/freshness"))!;
        var plan = await host.ProgressAsync();
        var gauges = ReadGauges(host);

        Assert.Equal(new DateOnly(2024, 3, 1), freshness.Today);
        Assert.Equal(
        [
            new SourceFreshnessDto("late", "yearly", 120, true, true, new DateOnly(2021, 12, 31), new DateOnly(2022, 12, 31), new DateOnly(2023, 4, 30), 306),
            new SourceFreshnessDto("ontime", "yearly", 120, true, false, new DateOnly(2022, 12, 31), new DateOnly(2022, 12, 31), null, 0),
            new SourceFreshnessDto("undeclared", null, null, false, false, null, null, null, 0),
        ], freshness.Sources);
        Assert.Equal((1, 1), (freshness.StaleSources, freshness.StaleIndicators));

        var robots = plan.Indicators.Single(i => i.Code == "INDUSTRIAL_ROBOTS_DEPLOYED").Freshness;
        Assert.Equal((true, true, new DateOnly(2021, 12, 31), new DateOnly(2022, 12, 31), new DateOnly(2023, 4, 30), 306),
            (robots.Declared, robots.Stale, robots.LatestPeriodEnd, robots.ExpectedPeriodEnd, robots.DueSince, robots.OverdueDays));
        Assert.Equal(["late"], robots.Sources);
        var software = plan.Indicators.Single(i => i.Code == "SOFTWARE_IT_SERVICES_OUTPUT").Freshness;
        Assert.Equal((true, false, 0), (software.Declared, software.Stale, software.OverdueDays));
        var cloud = plan.Indicators.Single(i => i.Code == "GOV_CLOUD_ADOPTION_RATE").Freshness;
        Assert.Equal((false, false, "undeclared"), (cloud.Declared, cloud.Stale, cloud.Sources.Single()));
        Assert.Equal(1, plan.StaleIndicators);

        Assert.Equal(1, gauges[("wuzhong.freshness.source.stale", "late")]);
        Assert.Equal(0, gauges[("wuzhong.freshness.source.stale", "ontime")]);
        Assert.Equal(306, gauges[("wuzhong.freshness.source.overdue_days", "late")]);
        Assert.Equal(0, gauges[("wuzhong.freshness.source.overdue_days", "ontime")]);
        Assert.Equal(1, gauges[("wuzhong.freshness.indicators.stale", "")]);
        Assert.False(gauges.ContainsKey(("wuzhong.freshness.source.stale", "undeclared")));
    }

    [Fact]
    public async Task Freshness_AsOf_JudgesOnThatDay()
    {
        config.WriteCsvSource("late", $"{PlanFixture.Header}\nINDUSTRIAL_ROBOTS_DEPLOYED,2021年,310,台,公报\n", Yearly);
        await using var host = await CollectorHost.StartAsync(config, timeProvider: PlanFixture.Time());
        await host.CollectAsync("late");

        // On 2024-03-02 04:00 UTC (noon in 吴中区) the source is one day later still; before the run it had delivered nothing.
        var later = (await host.Http.GetFromJsonAsync<FreshnessResponseDto>("/api/freshness?asOf=2024-03-02T04:00:00Z"))!;
        var beforeRun = (await host.Http.GetFromJsonAsync<FreshnessResponseDto>("/api/freshness?asOf=2024-03-01T01:00:00Z"))!;

        Assert.Equal((new DateOnly(2024, 3, 2), 307), (later.Today, later.Sources.Single().OverdueDays));
        Assert.Equal(new SourceFreshnessDto("late", "yearly", 120, true, true, null, new DateOnly(2022, 12, 31), new DateOnly(2023, 4, 30), 306), beforeRun.Sources.Single());
    }

    /// <summary>What an exporter of the "WuzhongCollector" meter would read from this host, by instrument and source tag.</summary>
    private static Dictionary<(string, string), int> ReadGauges(CollectorHost host)
    {
        var factory = host.Services.GetRequiredService<IMeterFactory>();
        var values = new Dictionary<(string, string), int>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "WuzhongCollector" && instrument.Meter.Scope == factory && instrument.Name.StartsWith("wuzhong.freshness.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) =>
        {
            var source = tags.ToArray().Where(t => t.Key == "source").Select(t => (string)t.Value!).SingleOrDefault() ?? "";
            values[(instrument.Name, source)] = value;
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return values;
    }

    private sealed record FreshnessResponseDto(DateOnly Today, int StaleSources, int StaleIndicators, List<SourceFreshnessDto> Sources);

    private sealed record SourceFreshnessDto(
        string Id, string? Cadence, int? PublicationLagDays, bool Declared, bool Stale, DateOnly? LatestPeriodEnd, DateOnly? ExpectedPeriodEnd, DateOnly? DueSince, int OverdueDays);
}
