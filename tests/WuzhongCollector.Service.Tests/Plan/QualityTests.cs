namespace WuzhongCollector.Service.Tests.Plan;

public sealed class QualityTests : IDisposable
{
    private readonly TestConfig config = new();

    public void Dispose() => config.Dispose();

    [Fact]
    public async Task QualityFlags_OutOfRangeAndOutlier_AreListedForFollowUp_AndTheFiguresKept()
    {
        config.WriteCsvSource("bureau", $"""
            {PlanFixture.Header}
            GOV_CLOUD_ADOPTION_RATE,2022年,94,%,公报
            GOV_CLOUD_ADOPTION_RATE,2023年,120,%,快报
            ELECTRONIC_INFO_INDUSTRY_SCALE,2019年,500,亿元,公报
            ELECTRONIC_INFO_INDUSTRY_SCALE,2020年,510,亿元,公报
            ELECTRONIC_INFO_INDUSTRY_SCALE,2021年,505,亿元,公报
            ELECTRONIC_INFO_INDUSTRY_SCALE,2022年,515,亿元,公报
            ELECTRONIC_INFO_INDUSTRY_SCALE,2023年,5150,亿元,快报
            DC_NEW_PUE,2023年,0.9,,预计
            """);
        await using var host = await CollectorHost.StartAsync(config, timeProvider: PlanFixture.Time());
        var run = await host.CollectAsync("bureau");

        var flags = (await host.Http.GetFromJsonAsync<List<FlagRowDto>>("/api/quality/flags"))!;
        var outliersOnly = (await host.Http.GetFromJsonAsync<List<FlagRowDto>>("/api/quality/flags?rule=outlier"))!;

        Assert.Equal(
        [
            new FlagRowDto("GOV_CLOUD_ADOPTION_RATE", "2023", 120m, "provisional", "bureau", run.RunId, "range", "120 is above the plausible maximum 100", null),
            new FlagRowDto("ELECTRONIC_INFO_INDUSTRY_SCALE", "2023", 5150m, "provisional", "bureau", run.RunId, "outlier", "modified z-score 625.94 exceeds 3.5 among 5 year figures", 625.94m),
            new FlagRowDto("DC_NEW_PUE", "2023", 0.9m, "estimated", "bureau", run.RunId, "range", "0.9 is below the plausible minimum 1.0", null),
        ], flags.OrderBy(f => f.Rule == "outlier" ? 1 : f.Indicator == "DC_NEW_PUE" ? 2 : 0));
        Assert.Equal("ELECTRONIC_INFO_INDUSTRY_SCALE", Assert.Single(outliersOnly).Indicator);

        // Flagged, never dropped: stored, in the series, and used by progress.
        Assert.Equal(8, run.Counts!.Stored);
        var electronic = (await host.Http.GetFromJsonAsync<IndicatorDto>("/api/progress/ELECTRONIC_INFO_INDUSTRY_SCALE"))!;
        Assert.Equal(5150m, electronic.Figures!.Last().Value);
        Assert.Equal(["outlier"], electronic.Figures!.Last().Flags.Select(f => f.Rule));
        Assert.Equal(1, electronic.FlaggedFigures);
        Assert.Equal("met", electronic.Targets.Single().Status);
        Assert.Equal([500m, 510m, 505m, 515m, 5150m], (await host.Http.GetFromJsonAsync<SeriesDto>("/api/series/ELECTRONIC_INFO_INDUSTRY_SCALE"))!.Points.Select(p => p.Value));
    }

    private sealed record FlagRowDto(string Indicator, string Period, decimal Value, string Status, string Source, long RunId, string Rule, string Message, decimal? Score);
}
