using WuzhongCollector.Core.Normalisation;
using WuzhongCollector.Core.Progress;
using WuzhongCollector.Core.Quality;

namespace WuzhongCollector.Core.Tests.Quality;

public sealed class QualityChecksTests
{
    [Theory]
    [InlineData(-1, "range", "-1 is below the plausible minimum 0")]
    [InlineData(100.5, "range", "100.5 is above the plausible maximum 100")]
    public void CheckRange_OutsideTheRange_Flags(double value, string rule, string message)
    {
        var flag = QualityChecks.CheckRange((decimal)value, new RangeRule(0, 100));

        Assert.Equal(new QualityFlag(rule, message), flag);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    public void CheckRange_OnTheBounds_DoesNotFlag(int value) =>
        Assert.Null(QualityChecks.CheckRange(value, new RangeRule(0, 100)));

    [Fact]
    public void CheckRange_OpenUpperBound_AllowsAnyLargeValue() =>
        Assert.Null(QualityChecks.CheckRange(1_000_000m, new RangeRule(0, null)));

    [Fact]
    public void ModifiedZScores_UseMedianAndMad()
    {
        var scores = QualityChecks.ModifiedZScores([10m, 11m, 12m, 11m, 100m]);

        Assert.Equal([-0.67m, 0m, 0.67m, 0m, 60.03m], scores);
    }

    [Fact]
    public void ModifiedZScores_ZeroMad_FallsBackToMeanAbsoluteDeviation()
    {
        Assert.Equal([0m, 0m, 0m, 0m, 3.99m], QualityChecks.ModifiedZScores([5m, 5m, 5m, 5m, 9m]));
        Assert.Equal([0m, 0m, 0m, 0m], QualityChecks.ModifiedZScores([7m, 7m, 7m, 7m]));
    }

    [Fact]
    public void Outliers_FlagOnlyFiguresBeyondTheThreshold()
    {
        SeriesValue[] series = [Y(2019, 10), Y(2020, 11), Y(2021, 12), Y(2022, 11), Y(2023, 100)];

        var flags = QualityChecks.Outliers(series, 3.5m, 4);

        var (index, flag) = Assert.Single(flags);
        Assert.Equal(4, index);
        Assert.Equal(new QualityFlag("outlier", "modified z-score 60.03 exceeds 3.5 among 5 year figures", 60.03m), flag);
    }

    [Fact]
    public void Outliers_TooFewFigures_FlagNothing() =>
        Assert.Empty(QualityChecks.Outliers([Y(2021, 1), Y(2022, 1), Y(2023, 500)], 3.5m, 4));

    [Fact]
    public void Outliers_CompareOnlyFiguresOfTheSamePeriodType()
    {
        // Four annual figures near 100 and four monthly ones near 10: mixed, the months would all look wild.
        SeriesValue[] series =
        [
            Y(2020, 100), Y(2021, 101), Y(2022, 102), Y(2023, 101),
            M(2023, 1, 10), M(2023, 2, 11), M(2023, 3, 12), M(2023, 4, 11),
        ];

        Assert.Empty(QualityChecks.Outliers(series, 3.5m, 4));
    }

    private static SeriesValue Y(int year, decimal value) => new(Period.OfYear(year), value);

    private static SeriesValue M(int year, int month, decimal value) => new(Period.OfMonth(year, month), value);
}
