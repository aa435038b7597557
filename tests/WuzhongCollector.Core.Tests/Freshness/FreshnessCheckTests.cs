using WuzhongCollector.Core.Freshness;

namespace WuzhongCollector.Core.Tests.Freshness;

public sealed class FreshnessCheckTests
{
    private static readonly DateOnly Today = new(2024, 3, 1);

    [Theory]
    [InlineData(Cadence.Yearly, 120, "2022-12-31")]
    [InlineData(Cadence.Yearly, 60, "2023-12-31")]
    [InlineData(Cadence.Yearly, 400, "2022-12-31")]
    [InlineData(Cadence.Monthly, 30, "2024-01-31")]
    [InlineData(Cadence.Monthly, 31, "2023-12-31")]
    [InlineData(Cadence.Quarterly, 45, "2023-12-31")]
    [InlineData(Cadence.Quarterly, 62, "2023-09-30")]
    public void ExpectedLatestPeriodEnd_StepsBackUntilThePeriodIsDue(Cadence cadence, int lag, string expected) =>
        Assert.Equal(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), FreshnessCheck.ExpectedLatestPeriodEnd(new FreshnessRule(cadence, lag), Today));

    [Fact]
    public void Evaluate_LatestPeriodIn_IsFresh()
    {
        var state = FreshnessCheck.Evaluate(new FreshnessRule(Cadence.Yearly, 120), new DateOnly(2022, 12, 31), Today);

        Assert.Equal(new FreshnessState(false, new DateOnly(2022, 12, 31), new DateOnly(2022, 12, 31), null, 0), state);
    }

    [Fact]
    public void Evaluate_PeriodOverdue_IsStale_CountingFromTheFirstMissingDueDate()
    {
        var state = FreshnessCheck.Evaluate(new FreshnessRule(Cadence.Yearly, 120), new DateOnly(2021, 12, 31), Today);

        Assert.Equal(new FreshnessState(true, new DateOnly(2021, 12, 31), new DateOnly(2022, 12, 31), new DateOnly(2023, 4, 30), 306), state);
    }

    [Fact]
    public void Evaluate_YearToDateFigure_NextYearEndIsTheMissingPeriod()
    {
        var state = FreshnessCheck.Evaluate(new FreshnessRule(Cadence.Yearly, 60), new DateOnly(2023, 9, 30), Today);

        Assert.True(state.Stale);
        Assert.Equal(new DateOnly(2024, 2, 29), state.DueSince);
        Assert.Equal(1, state.OverdueDays);
    }

    [Fact]
    public void Evaluate_NoFigureAtAll_IsStaleSinceTheExpectedPeriodWasDue()
    {
        var state = FreshnessCheck.Evaluate(new FreshnessRule(Cadence.Monthly, 30), null, Today);

        Assert.Equal(new FreshnessState(true, null, new DateOnly(2024, 1, 31), new DateOnly(2024, 3, 1), 0), state);
    }

    [Fact]
    public void Evaluate_SeveralRules_TheMostDemandingDecides()
    {
        var state = FreshnessCheck.Evaluate([new FreshnessRule(Cadence.Yearly, 120), new FreshnessRule(Cadence.Quarterly, 45)], new DateOnly(2022, 12, 31), Today);

        Assert.NotNull(state);
        Assert.True(state.Stale);
        Assert.Equal(new DateOnly(2023, 12, 31), state.ExpectedPeriodEnd);
        Assert.Equal(new DateOnly(2023, 5, 15), state.DueSince);
    }

    [Fact]
    public void Evaluate_NoRules_IsUnknown() =>
        Assert.Null(FreshnessCheck.Evaluate([], new DateOnly(2022, 12, 31), Today));
}
