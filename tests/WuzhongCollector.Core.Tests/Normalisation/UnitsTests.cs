using WuzhongCollector.Core.Normalisation;

namespace WuzhongCollector.Core.Tests.Normalisation;

public sealed class UnitsTests
{
    [Theory]
    [InlineData(4485000, "万元", "亿元", 448.5)]
    [InlineData(2.4, "万亿元", "亿元", 24000)]
    [InlineData(0.4215, "万个", "个", 4215)]
    [InlineData(20000, "Mbps", "Gbps", 20)]
    [InlineData(40, "G", "Gbps", 40)]
    [InlineData(12, "（亿元）", "亿元", 12)]
    [InlineData(12, "单位：亿元", "亿元", 12)]
    public void TryConvert_SameDimension_Scales(double value, string from, string to, double expected)
    {
        Assert.True(Units.TryConvert((decimal)value, from, to, out var converted, out var error));
        Assert.Null(error);
        Assert.Equal((decimal)expected, converted);
    }

    [Theory]
    [InlineData("个", "亿元")]
    [InlineData("亿元", "%")]
    [InlineData("家", "Gbps")]
    public void TryConvert_OtherDimension_IsRefused(string from, string to)
    {
        Assert.False(Units.TryConvert(1, from, to, out _, out var error));
        Assert.Contains("does not match", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryConvert_UnknownUnit_IsRefused()
    {
        Assert.False(Units.TryConvert(1, "斤", "亿元", out _, out var error));
        Assert.Equal("unknown unit '斤'", error);
    }
}
