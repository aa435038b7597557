using WuzhongCollector.Core.Normalisation;

namespace WuzhongCollector.Core.Tests.Normalisation;

public sealed class ValueParserTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("448.5", 448.5)]
    [InlineData("１２３．５", 123.5)]
    [InlineData("1,234,567", 1234567)]
    [InlineData(" -2.1 ", -2.1)]
    [InlineData("1.5E3", 1500)]
    public void Read_Number_GivesItsValue(string text, double expected)
    {
        var reading = ValueParser.Read(text);

        Assert.Equal((decimal)expected, reading.Value);
        Assert.Null(reading.MissingKind);
    }

    [Theory]
    [InlineData("16%")]
    [InlineData("16％")]
    public void Read_PercentSign_IsNoted(string text)
    {
        var reading = ValueParser.Read(text);

        Assert.Equal(16m, reading.Value);
        Assert.True(reading.HasPercentSign);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("—")]
    [InlineData("-")]
    [InlineData("一")]
    [InlineData("/")]
    [InlineData("无")]
    [InlineData("－")]
    public void Read_MissingMarker_IsMissingNeverZero(string? text)
    {
        var reading = ValueParser.Read(text);

        Assert.Null(reading.Value);
        Assert.Equal(RejectKind.Missing, reading.MissingKind);
    }

    [Theory]
    [InlineData("…")]
    [InlineData("...")]
    public void Read_Ellipsis_IsBelowTheUnit(string text)
    {
        var reading = ValueParser.Read(text);

        Assert.Null(reading.Value);
        Assert.Equal(RejectKind.BelowUnit, reading.MissingKind);
    }

    [Fact]
    public void Read_Text_IsAProblem()
    {
        var reading = ValueParser.Read("六百");

        Assert.Null(reading.Value);
        Assert.Null(reading.MissingKind);
        Assert.Equal("'六百' is not a number", reading.Problem);
    }
}
