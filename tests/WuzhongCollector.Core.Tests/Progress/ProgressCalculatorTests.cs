using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Monitoring;
using WuzhongCollector.Core.Normalisation;
using WuzhongCollector.Core.Progress;

namespace WuzhongCollector.Core.Tests.Progress;

public sealed class ProgressCalculatorTests
{
    private static readonly MonitoringSettings Settings = new();

    private static Indicator Indicator(IndicatorKind kind, string unit, params Target[] targets) =>
        new("TEST", "测试", "Test", unit, kind, "一、测试", [], targets, "测试", kind == IndicatorKind.Derived ? "SOURCE" : null, kind == IndicatorKind.Derived ? "cagr" : null);

    private static Target AtLeast(decimal value, int year) => new(Comparator.AtLeast, value, year);

    private static SeriesValue Year(int year, decimal value) => new(Period.OfYear(year), value);

    private static TargetProgress Single(Indicator indicator, params SeriesValue[] series) =>
        Assert.Single(ProgressCalculator.Evaluate(indicator, series, Settings).Targets);

    [Fact]
    public void Evaluate_NoFigures_IsNoData()
    {
        var result = Single(Indicator(IndicatorKind.Stock, "个", AtLeast(100, 2023)));

        Assert.Equal(ProgressStatus.NoData, result.Status);
        Assert.Null(result.Progress);
        Assert.Null(result.Latest);
        Assert.Equal("no figure yet", result.Reason);
    }

    [Fact]
    public void Evaluate_OnlyFiguresBeforeThePlan_IsNoData()
    {
        var result = Single(Indicator(IndicatorKind.Stock, "个", AtLeast(100, 2023)), Year(2019, 50));

        Assert.Equal(ProgressStatus.NoData, result.Status);
        Assert.Equal("no figure since the plan started (latest: 2019)", result.Reason);
    }

    [Fact]
    public void Evaluate_FlowReachingTarget_IsMet_WithProgressFromBaseYear()
    {
        var result = Single(Indicator(IndicatorKind.AnnualFlow, "亿元", AtLeast(600, 2023)),
            Year(2020, 330.5m), Year(2021, 389.2m), Year(2022, 448.5m), Year(2023, 610m));

        Assert.Equal(ProgressStatus.Met, result.Status);
        Assert.Equal(330.5m, result.Baseline);
        Assert.Equal(1.0371m, result.Progress);
        Assert.Equal("2023", result.Latest!.Period.Id);
        Assert.Null(result.Projection);
        Assert.Null(result.NeededAnnualChange);
        Assert.Equal("the 2023 figure 610 meets >= 600 by 2023", result.Reason);
    }

    [Fact]
    public void Evaluate_TargetYearFigureMisses_IsOffTrack()
    {
        var result = Single(Indicator(IndicatorKind.AnnualFlow, "亿元", AtLeast(600, 2023)),
            Year(2020, 330.5m), Year(2021, 389.2m), Year(2022, 448.5m), Year(2023, 520m));

        Assert.Equal(ProgressStatus.OffTrack, result.Status);
        Assert.Equal(0.7032m, result.Progress);
        Assert.Null(result.Projection);
        Assert.Equal("the 2023 figure 520 misses >= 600 by 2023", result.Reason);
    }

    [Theory]
    [InlineData(170, ProgressStatus.OnTrack, 1.04, 26, 18.06)]
    [InlineData(180, ProgressStatus.AtRisk, 0.91, 36, 25)]
    [InlineData(200, ProgressStatus.OffTrack, 0.728, 56, 38.89)]
    public void Evaluate_Flow_ProjectsCompoundGrowth(int target, ProgressStatus expected, double projectedProgress, double neededChange, double neededGrowth)
    {
        var result = Single(Indicator(IndicatorKind.AnnualFlow, "亿元", AtLeast(target, 2023)), Year(2020, 100), Year(2022, 144));

        Assert.Equal(expected, result.Status);
        Assert.Equal("compound", result.Projection!.Method);
        Assert.Equal(172.8m, result.Projection.Value);
        Assert.Equal((decimal)projectedProgress, result.Projection.Progress);
        Assert.Equal([new ProjectedPoint(new DateOnly(2022, 12, 31), 144m), new ProjectedPoint(new DateOnly(2023, 12, 31), 172.8m)], result.Projection.Path);
        Assert.Equal((decimal)neededChange, result.NeededAnnualChange);
        Assert.Equal((decimal)neededGrowth, result.NeededAnnualGrowthPercent);
    }

    [Fact]
    public void Evaluate_FlowIgnoresYearToDateFigures()
    {
        var result = Single(Indicator(IndicatorKind.AnnualFlow, "亿元", AtLeast(170, 2023)),
            Year(2020, 100), Year(2022, 144), new SeriesValue(Period.YearToDate(2023, 9), 150m));

        Assert.Equal(ProgressStatus.OnTrack, result.Status);
        Assert.Equal("2022", result.Latest!.Period.Id);
        Assert.Equal(172.8m, result.Projection!.Value);
    }

    [Fact]
    public void Evaluate_AtMostTarget_CountsProgressAsTheValueFalls()
    {
        var pue = Indicator(IndicatorKind.Stock, "ratio", new Target(Comparator.AtMost, 1.3m, 2023));

        var falling = Single(pue, Year(2020, 1.5m), Year(2022, 1.34m));
        var met = Single(pue, Year(2020, 1.5m), Year(2022, 1.35m), Year(2023, 1.28m));

        Assert.Equal(ProgressStatus.OnTrack, falling.Status);
        Assert.Equal(1.5m, falling.Baseline);
        Assert.Equal(0.8m, falling.Progress);
        Assert.Equal("linear", falling.Projection!.Method);
        Assert.Equal(1.26m, falling.Projection.Value);
        Assert.Equal(1.2m, falling.Projection.Progress);
        Assert.Equal(-0.04m, falling.NeededAnnualChange);
        Assert.Equal(-2.99m, falling.NeededAnnualGrowthPercent);
        Assert.Equal(ProgressStatus.Met, met.Status);
        Assert.Equal(1.1m, met.Progress);
    }

    [Fact]
    public void Evaluate_AtMostTarget_WithoutBaseYear_StartsFromTheFirstFigure()
    {
        var result = Single(Indicator(IndicatorKind.Stock, "ratio", new Target(Comparator.AtMost, 1.3m, 2023)), Year(2021, 1.5m), Year(2022, 1.45m));

        Assert.Equal(1.5m, result.Baseline);
        Assert.Equal(0.25m, result.Progress);
        Assert.Equal(1.4m, result.Projection!.Value);
        Assert.Equal(0.5m, result.Projection.Progress);
        Assert.Equal(ProgressStatus.OffTrack, result.Status);
    }

    [Fact]
    public void Evaluate_Cumulative_ProjectsALineFromZeroAtPlanStart()
    {
        var result = Single(Indicator(IndicatorKind.Cumulative, "台", AtLeast(1000, 2023)),
            Year(2021, 310), Year(2022, 655), new SeriesValue(Period.YearToDate(2023, 9), 905));

        Assert.Equal(ProgressStatus.AtRisk, result.Status);
        Assert.Equal(0m, result.Baseline);
        Assert.Equal(0.905m, result.Progress);
        Assert.Equal("2023-01..2023-09", result.Latest!.Period.Id);
        Assert.Equal(984.0909m, result.Projection!.Value);
        Assert.Equal(0.9841m, result.Projection.Progress);
        Assert.Equal([new ProjectedPoint(new DateOnly(2023, 9, 30), 905m), new ProjectedPoint(new DateOnly(2023, 12, 31), 984.0909m)], result.Projection.Path);
        Assert.Equal(380m, result.NeededAnnualChange);
        Assert.Equal(49.08m, result.NeededAnnualGrowthPercent);
    }

    [Fact]
    public void Evaluate_Levels_PreferTheAnnualFigureWhereAMonthEndsTheSameDay()
    {
        var result = Single(Indicator(IndicatorKind.Stock, "个", AtLeast(5000, 2023)),
            Year(2020, 1000), new SeriesValue(Period.OfMonth(2021, 12), 1900), Year(2021, 2000));

        Assert.Equal(2000m, result.Latest!.Value);
        Assert.Equal(4000m, result.Projection!.Value);
        Assert.Equal(0.75m, result.Projection.Progress);
    }

    [Fact]
    public void Evaluate_PercentageProjection_IsCappedAt100()
    {
        var result = Single(Indicator(IndicatorKind.Percentage, "%", AtLeast(100, 2023)), Year(2021, 80), Year(2022, 95));

        Assert.Equal(100m, result.Projection!.Value);
        Assert.Equal(1m, result.Projection.Progress);
        Assert.Equal(ProgressStatus.OnTrack, result.Status);
    }

    [Theory]
    [InlineData(3000, ProgressStatus.OnTrack, "0.75", "1.125")]
    [InlineData(2540, ProgressStatus.AtRisk, "0.635", "0.9525")]
    [InlineData(1800, ProgressStatus.OffTrack, "0.45", "0.675")]
    public void Evaluate_SingleFigure_JudgesPaceAgainstElapsedTime(int value, ProgressStatus expected, string progress, string pace)
    {
        var result = Single(Indicator(IndicatorKind.Stock, "个", AtLeast(4000, 2023)), Year(2022, value));

        Assert.Equal(expected, result.Status);
        Assert.Null(result.Projection);
        Assert.Equal(decimal.Parse(progress, System.Globalization.CultureInfo.InvariantCulture), result.Progress);
        Assert.EndsWith($"of the time (pace {pace})", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_TwoTargets_JudgesEachAtItsOwnYear()
    {
        var indicator = Indicator(IndicatorKind.Stock, "个", AtLeast(3000, 2021), AtLeast(4000, 2022));

        var targets = ProgressCalculator.Evaluate(indicator, [Year(2020, 2000), Year(2021, 2900), Year(2022, 4100)], Settings).Targets;

        Assert.Equal([ProgressStatus.OffTrack, ProgressStatus.Met], targets.Select(t => t.Status));
        Assert.Equal(["2021", "2022"], targets.Select(t => t.Latest!.Period.Id));
        Assert.Equal([0.9m, 1.05m], targets.Select(t => t.Progress!.Value));
    }

    [Fact]
    public void Evaluate_MoreThan_ExactlyTheTarget_IsNotMet()
    {
        var result = Single(Indicator(IndicatorKind.Percentage, "%", new Target(Comparator.MoreThan, 5, 2023)), Year(2023, 5));

        Assert.Equal(ProgressStatus.OffTrack, result.Status);
        Assert.Equal(1m, result.Progress);
    }

    [Fact]
    public void Evaluate_BaselineAlreadyPastTheTarget_ProgressIsMetOrNot()
    {
        var result = Single(Indicator(IndicatorKind.Stock, "个", AtLeast(100, 2023)), Year(2020, 120), Year(2022, 90));

        Assert.Equal(0m, result.Progress);
        Assert.Equal(75m, result.Projection!.Value);
        Assert.Equal(0m, result.Projection.Progress);
        Assert.Equal(ProgressStatus.OffTrack, result.Status);
    }

    [Fact]
    public void Evaluate_Derived_ComputesTheGrowthRateFromTheBaseYear()
    {
        var indicator = Indicator(IndicatorKind.Derived, "%", AtLeast(16, 2023));

        var result = ProgressCalculator.Evaluate(indicator, [Year(2020, 330.5m), Year(2021, 389.2m), Year(2022, 448.5m), Year(2023, 520m)], Settings);

        Assert.Equal([("2021", 17.76m), ("2022", 16.49m), ("2023", 16.31m)], result.Figures.Select(f => (f.Period.Id, f.Value)));
        var target = Assert.Single(result.Targets);
        Assert.Equal(ProgressStatus.Met, target.Status);
        Assert.Equal(1.0194m, target.Progress);
    }

    [Fact]
    public void Evaluate_Derived_ProjectsTheSourceAndNeedsItsGrowth()
    {
        var result = Single(Indicator(IndicatorKind.Derived, "%", AtLeast(16, 2023)), Year(2020, 100), Year(2021, 110), Year(2022, 121));

        Assert.Equal(ProgressStatus.OffTrack, result.Status);
        Assert.Equal(10m, result.Latest!.Value);
        Assert.Equal(0.625m, result.Progress);
        Assert.Equal("derived-cagr", result.Projection!.Method);
        Assert.Equal(10m, result.Projection.Value);
        Assert.Null(result.NeededAnnualChange);
        Assert.Equal(29m, result.NeededAnnualGrowthPercent);
    }

    [Fact]
    public void Evaluate_Derived_WithoutBaseYear_IsNoData()
    {
        var result = Single(Indicator(IndicatorKind.Derived, "%", AtLeast(16, 2023)), Year(2021, 110), Year(2022, 121));

        Assert.Equal(ProgressStatus.NoData, result.Status);
        Assert.Equal("no 2020 and later annual figure of SOURCE", result.Reason);
    }

    [Fact]
    public void Evaluate_Thresholds_ComeFromSettings()
    {
        var strict = new MonitoringSettings { OnTrackFrom = 1.1m, AtRiskFrom = 1.05m };
        var indicator = Indicator(IndicatorKind.AnnualFlow, "亿元", AtLeast(170, 2023));

        var result = Assert.Single(ProgressCalculator.Evaluate(indicator, [Year(2020, 100), Year(2022, 144)], strict).Targets);

        Assert.Equal(1.04m, result.Projection!.Progress);
        Assert.Equal(ProgressStatus.OffTrack, result.Status);
    }
}
