namespace WuzhongCollector.Service.Tests.Plan;

public sealed class ProgressApiTests : IDisposable
{
    private readonly TestConfig config = new();

    public void Dispose() => config.Dispose();

    [Fact]
    public async Task Progress_EachStatus_IsReportedWithExactValues()
    {
        config.WriteCsvSource("bureau", PlanFixture.Figures);
        await using var host = await CollectorHost.StartAsync(config, timeProvider: PlanFixture.Time());
        await host.CollectAsync("bureau");

        var plan = await host.ProgressAsync();

        var met = plan.Target("GOV_CLOUD_ADOPTION_RATE");
        Assert.Equal(("met", "已完成", "2023", 100m, 1m), (met.Status, met.StatusZh, met.LatestPeriod, met.LatestValue, met.Progress));
        Assert.Equal("the 2023 figure 100 meets >= 100 by 2023", met.Reason);

        var onTrack = plan.Target("SOFTWARE_IT_SERVICES_OUTPUT");
        Assert.Equal(("on-track", 80m, 0.75m), (onTrack.Status, onTrack.Baseline, onTrack.Progress));
        Assert.Equal(new ProjectionDto("compound", 128.9864m, 1.2247m, null), onTrack.Projection);
        Assert.Equal((10m, 9.09m), (onTrack.NeededAnnualChange, onTrack.NeededAnnualGrowthPercent));

        var atRisk = plan.Target("INDUSTRIAL_ROBOTS_DEPLOYED");
        Assert.Equal(("at-risk", "2023-01..2023-09", 905m, 0.905m), (atRisk.Status, atRisk.LatestPeriod, atRisk.LatestValue, atRisk.Progress));
        Assert.Equal(new ProjectionDto("linear", 984.0909m, 0.9841m, null), atRisk.Projection);
        Assert.Equal((380m, 49.08m), (atRisk.NeededAnnualChange, atRisk.NeededAnnualGrowthPercent));

        var offTrack = plan.Target("DE_CORE_VALUE_ADDED");
        Assert.Equal(("off-track", 520m, 330.5m, 0.7032m), (offTrack.Status, offTrack.LatestValue, offTrack.Baseline, offTrack.Progress));
        Assert.Equal("the 2023 figure 520 misses >= 600 by 2023", offTrack.Reason);

        var noData = plan.Target("AI_CORE_INDUSTRY_SCALE");
        Assert.Equal(("no-data", null, null, "no figure yet"), (noData.Status, noData.LatestValue, noData.Progress, noData.Reason));

        Assert.Equal(RepoCatalogue.Targets, plan.Indicators.Sum(i => i.Targets.Count));
        Assert.Equal(new Dictionary<string, int> { ["met"] = 2, ["on-track"] = 2, ["at-risk"] = 1, ["off-track"] = 1, ["no-data"] = RepoCatalogue.Targets - 6 }, plan.StatusCounts);
    }

    [Fact]
    public async Task Progress_AtMostTarget_CountsTheFallingValueAsProgress()
    {
        config.WriteCsvSource("bureau", PlanFixture.Figures);
        await using var host = await CollectorHost.StartAsync(config, timeProvider: PlanFixture.Time());
        await host.CollectAsync("bureau");

        var pue = (await host.Http.GetFromJsonAsync<IndicatorDto>("/api/progress/DC_NEW_PUE"))!.Targets.Single();

        Assert.Equal(("<=", 1.3m, "on-track"), (pue.Comparator, pue.Value, pue.Status));
        Assert.Equal((1.5m, 1.34m, 0.8m), (pue.Baseline!.Value, pue.LatestValue!.Value, pue.Progress!.Value));
        Assert.Equal("linear", pue.Projection!.Method);
        Assert.Equal((1.26m, 1.2m), (pue.Projection.Value, pue.Projection.Progress));
        Assert.Equal([new PathPointDto(new DateOnly(2022, 12, 31), 1.34m), new PathPointDto(new DateOnly(2023, 12, 31), 1.26m)], pue.Projection.Path);
        Assert.Equal((-0.04m, -2.99m), (pue.NeededAnnualChange, pue.NeededAnnualGrowthPercent));
    }

    [Fact]
    public async Task Progress_DerivedGrowthRate_IsComputedFromTheValueAddedSeries()
    {
        config.WriteCsvSource("bureau", PlanFixture.Figures);
        await using var host = await CollectorHost.StartAsync(config, timeProvider: PlanFixture.Time());
        await host.CollectAsync("bureau");

        var growth = (await host.Http.GetFromJsonAsync<IndicatorDto>("/api/progress/DE_CORE_VALUE_ADDED_GROWTH"))!;

        Assert.Equal(("derived", "DE_CORE_VALUE_ADDED"), (growth.Kind, growth.DerivedFrom));
        Assert.Equal([("2021", 17.76m, "derived"), ("2022", 16.49m, "derived"), ("2023", 16.31m, "derived")],
            growth.Figures!.Select(f => (f.Period, f.Value, f.Status)));
        var target = growth.Targets.Single();
        Assert.Equal((">=", 16m, "met", 16.31m, 1.0194m), (target.Comparator, target.Value, target.Status, target.LatestValue, target.Progress));
        Assert.Equal(0, await host.ScalarAsync<long>("SELECT count(*) FROM observation WHERE indicator_code = 'DE_CORE_VALUE_ADDED_GROWTH'"));
    }

    [Fact]
    public async Task Progress_AsOf_JudgesTheFiguresKnownAtThatTime()
    {
        var time = PlanFixture.Time();
        var withoutLast = string.Join('\n', PlanFixture.Figures.Split('\n').Where(l => !l.StartsWith("DE_CORE_VALUE_ADDED,2023", StringComparison.Ordinal)));
        config.WriteCsvSource("bureau", withoutLast);
        await using var host = await CollectorHost.StartAsync(config, timeProvider: time);
        await host.CollectAsync("bureau");
        var before = time.GetUtcNow().AddHours(1);
        time.Advance(TimeSpan.FromDays(1));
        config.WriteCsvSource("bureau", PlanFixture.Figures);
        await host.CollectAsync("bureau");

        var now = await host.ProgressAsync();
        var then = await host.ProgressAsync("?asOf=" + Uri.EscapeDataString(before.ToString("O")));

        Assert.Equal(("off-track", 520m), (now.Target("DE_CORE_VALUE_ADDED").Status, now.Target("DE_CORE_VALUE_ADDED").LatestValue!.Value));
        var old = then.Target("DE_CORE_VALUE_ADDED");
        Assert.Equal(("off-track", "2022", 448.5m, 0.4378m), (old.Status, old.LatestPeriod, old.LatestValue!.Value, old.Progress!.Value));
        Assert.Equal(new ProjectionDto("compound", 522.4659m, 0.7123m, null), old.Projection);
        Assert.Equal(before, then.AsOf);
    }

    [Fact]
    public async Task ProgressView_AfterARun_AgreesWithTheApi()
    {
        config.WriteCsvSource("bureau", PlanFixture.Figures);
        await using var host = await CollectorHost.StartAsync(config, timeProvider: PlanFixture.Time());
        var atStart = await host.ScalarAsync<long>("SELECT count(*) FROM analyst.progress WHERE status <> 'no-data'");
        await host.CollectAsync("bureau");

        var plan = await host.ProgressAsync();
        var view = (await host.QueryAsync<(string Code, int Year, string Status, decimal? Progress, decimal? Projected)>(
            "SELECT indicator_code, target_year, status, progress, projected_value FROM analyst.progress ORDER BY indicator_code, target_year")).ToList();

        Assert.Equal(0, atStart);
        var api = plan.Indicators.SelectMany(i => i.Targets.Select(t => (i.Code, t.Year, t.Status, t.Progress, t.Projection?.Value)))
            .OrderBy(t => t.Code, StringComparer.Ordinal).ThenBy(t => t.Year).ToList();
        Assert.Equal(api, view);
        Assert.Equal(RepoCatalogue.Targets, view.Count);
    }

    [Fact]
    public async Task Collect_ProgressSnapshotFails_TheRunStillStoresItsFigures()
    {
        config.WriteCsvSource("bureau", PlanFixture.Figures);
        await using var host = await CollectorHost.StartAsync(config, timeProvider: PlanFixture.Time());
        await host.ScalarAsync<int>("DROP TABLE progress_snapshot CASCADE; SELECT 1");

        var run = await host.CollectAsync("bureau");

        Assert.Equal(("succeeded", 12), (run.Outcome, run.Counts!.Stored));
        Assert.Equal(12, await host.ScalarAsync<long>("SELECT count(*) FROM observation"));
        Assert.Equal("off-track", (await host.ProgressAsync()).Target("DE_CORE_VALUE_ADDED").Status);
    }
}
