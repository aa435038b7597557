using WuzhongCollector.Core.Normalisation;

namespace WuzhongCollector.Core.Tests.Normalisation;

public sealed class PeriodParserTests
{
    [Theory]
    [InlineData("2021", "2021", PeriodType.Year)]
    [InlineData("2021年", "2021", PeriodType.Year)]
    [InlineData("２０２１年", "2021", PeriodType.Year)]
    [InlineData("2021 年", "2021", PeriodType.Year)]
    [InlineData("2021年度", "2021", PeriodType.Year)]
    [InlineData("2023年9月", "2023-09", PeriodType.Month)]
    [InlineData("2023-09", "2023-09", PeriodType.Month)]
    [InlineData("202309", "2023-09", PeriodType.Month)]
    [InlineData("2026M01", "2026-01", PeriodType.Month)]
    [InlineData("2023Q1", "2023-Q1", PeriodType.Quarter)]
    [InlineData("2023-Q4", "2023-Q4", PeriodType.Quarter)]
    [InlineData("2025K3", "2025-Q3", PeriodType.Quarter)]
    [InlineData("2023年第一季度", "2023-Q1", PeriodType.Quarter)]
    [InlineData("2023年一季度", "2023-Q1", PeriodType.Quarter)]
    [InlineData("2023年1-9月", "2023-01..2023-09", PeriodType.YearToDate)]
    [InlineData("2023年1—9月", "2023-01..2023-09", PeriodType.YearToDate)]
    [InlineData("2023年1至3月", "2023-01..2023-03", PeriodType.YearToDate)]
    [InlineData("2024年1-2月", "2024-01..2024-02", PeriodType.YearToDate)]
    [InlineData("2023年上半年", "2023-01..2023-06", PeriodType.YearToDate)]
    [InlineData("2023年前三季度", "2023-01..2023-09", PeriodType.YearToDate)]
    [InlineData("2025YY", "2025", PeriodType.Year)]
    [InlineData("202509MM", "2025-09", PeriodType.Month)]
    [InlineData("202404SS", "2024-Q4", PeriodType.Quarter)]
    [InlineData("2025.0", "2025", PeriodType.Year)]
    [InlineData("2023.09", "2023-09", PeriodType.Month)]
    [InlineData("2023年Q2", "2023-Q2", PeriodType.Quarter)]
    [InlineData("2023年第2季度", "2023-Q2", PeriodType.Quarter)]
    public void TryParse_KnownNotation_GivesCanonicalPeriod(string text, string id, PeriodType type)
    {
        Assert.True(PeriodParser.TryParse(text, out var period));
        Assert.Equal(id, period.Id);
        Assert.Equal(type, period.Type);
    }

    [Theory]
    [InlineData("一季度", "2022-Q1")]
    [InlineData("1-9月", "2022-01..2022-09")]
    [InlineData("9月", "2022-09")]
    [InlineData("上半年", "2022-01..2022-06")]
    public void TryParse_WithoutYear_TakesTheContextYear(string text, string id)
    {
        Assert.True(PeriodParser.TryParse(text, out var period, contextYear: 2022));
        Assert.Equal(id, period.Id);
    }

    [Theory]
    [InlineData("")]
    [InlineData("明年")]
    [InlineData("2023年13月")]
    [InlineData("2023年3-9月")]
    [InlineData("202405SS")]
    [InlineData("一季度")]
    [InlineData("2025.5")]
    [InlineData("2023.9")]
    public void TryParse_NotAPeriod_IsRefused(string text)
    {
        Assert.False(PeriodParser.TryParse(text, out _));
    }

    [Fact]
    public void YearToDate_IsNeverAMonth()
    {
        Assert.True(PeriodParser.TryParse("2024年1-2月", out var period));

        Assert.Equal(PeriodType.YearToDate, period.Type);
        Assert.Equal(new DateOnly(2024, 1, 1), period.Start);
        Assert.Equal(new DateOnly(2024, 2, 29), period.End);
    }
}
