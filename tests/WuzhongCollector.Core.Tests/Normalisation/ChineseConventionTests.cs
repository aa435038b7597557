using WuzhongCollector.Core.Normalisation;

namespace WuzhongCollector.Core.Tests.Normalisation;

/// <summary>Each notation the exports issue lists, read by the pure parsers.</summary>
public sealed class ChineseConventionTests
{
    [Theory]
    [InlineData("2021年", null, "2021")]
    [InlineData("２０２１年", null, "2021")]
    [InlineData("2021 年", null, "2021")]
    [InlineData("2023年9月", null, "2023-09")]
    [InlineData("一季度", 2023, "2023-Q1")]
    [InlineData("第一季度", 2023, "2023-Q1")]
    [InlineData("2023年第一季度", null, "2023-Q1")]
    [InlineData("1-3月", 2023, "2023-01..2023-03")]
    [InlineData("1—3月", 2023, "2023-01..2023-03")]
    [InlineData("1至3月", 2023, "2023-01..2023-03")]
    [InlineData("1-2月", 2023, "2023-01..2023-02")]
    [InlineData("上半年", 2023, "2023-01..2023-06")]
    [InlineData("前三季度", 2023, "2023-01..2023-09")]
    [InlineData("2023年1-9月", null, "2023-01..2023-09")]
    [InlineData("2023-01..2023-09", null, "2023-01..2023-09")]
    public void TryParse_PeriodNotations_GiveCanonicalPeriods(string text, int? contextYear, string expected)
    {
        Assert.True(PeriodParser.TryParse(text, out var period, contextYear));
        Assert.Equal(expected, period.Id);
    }

    [Theory]
    [InlineData("3-9月")]
    [InlineData("一季度")]
    [InlineData("2023-01..2024-09")]
    public void TryParse_NotAPeriodWithoutContext_IsRefused(string text) => Assert.False(PeriodParser.TryParse(text, out _));

    [Theory]
    [InlineData("　　2022年9月吴中区数字经济主要指标", "2022-09")]
    [InlineData("吴中区主要经济指标（2023年1-9月）", "2023-01..2023-09")]
    [InlineData("２０２３年上半年 主要指标", "2023-01..2023-06")]
    [InlineData("2021年第三季度通报", "2021-Q3")]
    [InlineData("吴中区2023年数字经济指标", "2023")]
    public void TryFind_PeriodInATitle_IsFound(string title, string expected)
    {
        Assert.True(PeriodParser.TryFind(title, out var period));
        Assert.Equal(expected, period.Id);
    }

    [Theory]
    [InlineData("本年情况/本月", "2022-09")]
    [InlineData("本年情况/1-本月累计", "2022-01..2022-09")]
    [InlineData("上年情况/本月", "2021-09")]
    [InlineData("上年情况/1-本月累计", "2021-01..2021-09")]
    [InlineData("本月完成数", "2022-09")]
    [InlineData("1-本月累计数", "2022-01..2022-09")]
    [InlineData("上年累计数", "2021-01..2021-09")]
    [InlineData("上年同期", "2021-09")]
    public void TryResolve_RelativeHeaders_UseTheReportPeriod(string header, string expected)
    {
        Assert.True(RelativePeriods.TryResolve(header, Period.OfMonth(2022, 9), out var period));
        Assert.Equal(expected, period.Id);
    }

    [Theory]
    [InlineData("本年累计比上年同期增减%")]
    [InlineData("同比增长")]
    [InlineData("年计划任务")]
    [InlineData("指标名称")]
    public void TryResolve_ComparisonsAndOtherHeaders_AreNotPeriods(string header) =>
        Assert.False(RelativePeriods.TryResolve(header, Period.OfMonth(2022, 9), out _));

    [Theory]
    [InlineData("１２３４．５", 1234.5)]
    [InlineData("1,234,567", 1234567)]
    [InlineData("１，２３４", 1234)]
    [InlineData("－3.2", -3.2)]
    [InlineData("0", 0)]
    [InlineData("16%", 16)]
    [InlineData("１６％", 16)]
    public void Read_Numbers_AsTablesWriteThem(string text, double expected)
    {
        var reading = ValueParser.Read(text);
        Assert.Equal((decimal)expected, reading.Value);
    }

    [Theory]
    [InlineData("—", RejectKind.Missing)]
    [InlineData("-", RejectKind.Missing)]
    [InlineData("一", RejectKind.Missing)]
    [InlineData("/", RejectKind.Missing)]
    [InlineData("无", RejectKind.Missing)]
    [InlineData("", RejectKind.Missing)]
    [InlineData("  ", RejectKind.Missing)]
    [InlineData("…", RejectKind.BelowUnit)]
    [InlineData("...", RejectKind.BelowUnit)]
    public void Read_Markers_AreNoValueWithAKind(string text, RejectKind kind)
    {
        var reading = ValueParser.Read(text);
        Assert.Null(reading.Value);
        Assert.Equal(kind, reading.MissingKind);
    }

    [Theory]
    [InlineData(1, "万元", "亿元", 0.0001)]
    [InlineData(1, "亿元", "万元", 10000)]
    [InlineData(1, "万亿元", "亿元", 10000)]
    [InlineData(123400, "元", "万元", 12.34)]
    [InlineData(0.4215, "万个", "个", 4215)]
    [InlineData(96, "家", "家", 96)]
    [InlineData(3, "件", "件", 3)]
    [InlineData(655, "台", "台", 655)]
    [InlineData(12, "项", "项", 12)]
    [InlineData(20000, "Mbps", "Gbps", 20)]
    [InlineData(1.3, "ratio", "ratio", 1.3)]
    [InlineData(16, "%", "%", 16)]
    public void TryConvert_SameDimension_ScalesToTheCanonicalUnit(double value, string from, string to, double expected)
    {
        Assert.True(Units.TryConvert((decimal)value, from, to, out var converted, out var error), error);
        Assert.Equal((decimal)expected, converted);
    }

    [Theory]
    [InlineData("台", "亿元")]
    [InlineData("万元", "个")]
    [InlineData("%", "亿元")]
    public void TryConvert_AnotherDimension_IsRefused(string from, string to)
    {
        Assert.False(Units.TryConvert(1m, from, to, out _, out var error));
        Assert.Contains("does not match the indicator's unit", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("数字经济核心产业增加值（亿元）", "数字经济核心产业增加值", "亿元")]
    [InlineData("2021年(%)", "2021年", "%")]
    [InlineData("增减%", "增减%", "%")]
    [InlineData("数值（单位：万元）", "数值", "万元")]
    [InlineData("居民消费价格指数(上年同月=100)", "居民消费价格指数(上年同月=100)", null)]
    public void FromHeader_UnitInBrackets_IsSplitFromTheName(string header, string name, string? unit)
    {
        Assert.Equal(unit, Units.FromHeader(header, out var rest));
        Assert.Equal(name, rest);
    }

    [Theory]
    [InlineData("单位：万元", "万元")]
    [InlineData("单位:(人民币)万元", "万元")]
    [InlineData("计量单位：个", "个")]
    public void Clean_UnitRows_GiveTheUnit(string text, string expected) => Assert.Equal(expected, Units.Clean(text));

    [Theory]
    [InlineData("一、 软件业务收入", "软件业务收入", false)]
    [InlineData("其中：软件业务收入", "软件业务收入", true)]
    [InlineData("#软件业务收入", "软件业务收入", true)]
    [InlineData("（三）软件\u00A0业务收入", "软件业务收入", false)]
    [InlineData("　软件业务收入　", "软件业务收入", false)]
    public void Strip_RowLabels_AreNormalisedAndSubItemsMarked(string label, string expected, bool subItem)
    {
        Assert.Equal(expected, Labels.Strip(label, out var isSub));
        Assert.Equal(subItem, isSub);
    }
}
