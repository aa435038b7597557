using static WuzhongCollector.Core.Tests.Tables.SourceRun;

namespace WuzhongCollector.Core.Tests.Tables;

/// <summary>
/// Shapes of department exports the mapping language states directly: a period from several columns, settings per
/// value column and per indicator, rows left out by a rule, and the rejects that replace every guess.
/// </summary>
public sealed class TableMappingShapesTests
{
    private const string Csv = """
        name: shape
        kind: csv
        schedule: { cron: "0 2 * * *" }
        file: { path: x.csv }

        """;

    private static string At(string file, int row, string column) => $"{file} row {row} column '{column}'";

    [Fact]
    public void YearAndPeriodColumns_ReadEverySpelling_AndAMissingYearSaysNoYear()
    {
        var source = Source(Csv + """
            mapping:
              indicator: { from: 指标, codes: { 数字经济核心产业增加值: DE_CORE_VALUE_ADDED, 电子信息产业规模: ELECTRONIC_INFO_INDUSTRY_SCALE } }
              period: "{年份}{时期}"
              value: 数值
              unit: 单位
            """);

        var (observations, rejects) = Run(source, "year-and-period.csv");

        string Cell(int row, string column) => At("year-and-period.csv", row, column);
        Obs[] expected =
        [
            new("DE_CORE_VALUE_ADDED", "2023-Q1", 125m, "normal", Cell(2, "数值")),
            new("DE_CORE_VALUE_ADDED", "2023-01..2023-06", 256m, "normal", Cell(3, "数值")),
            // "2023.0" is the year 2023.
            new("DE_CORE_VALUE_ADDED", "2023-01..2023-09", 385.6m, "normal", Cell(4, "数值")),
            // 全年 is the year; 5200000 万元 is 520 亿元.
            new("DE_CORE_VALUE_ADDED", "2023", 520m, "normal", Cell(5, "数值")),
            new("ELECTRONIC_INFO_INDUSTRY_SCALE", "2023-Q2", 160.1m, "normal", Cell(8, "数值")),
        ];
        Assert.Equal(expected, observations);
        Assert.Equal(
            [
                new Rej("error", "period", Cell(6, "年份"), "no year: field '年份' is blank, and '四季度' does not say its year"),
                new Rej("error", "period", Cell(7, "年份"), "field '时期' is blank, so the period '2022' is incomplete"),
            ],
            rejects);

        // The list form reads the same fields one after another.
        var listed = Source(Csv + "mapping:\n  indicator: { from: 指标, codes: { 数字经济核心产业增加值: DE_CORE_VALUE_ADDED, 电子信息产业规模: ELECTRONIC_INFO_INDUSTRY_SCALE } }\n  period: [年份, 时期]\n  value: 数值\n  unit: 单位\n");
        Assert.Equal(expected, Run(listed, "year-and-period.csv").Observations);
    }

    [Fact]
    public void PeriodWithoutAYear_AndNoTitleOrYearField_IsRejectedAsNoYear()
    {
        var source = Source(Csv + "mapping:\n  indicator: { from: 指标, codes: { 数字经济核心产业增加值: DE_CORE_VALUE_ADDED } }\n  period: 时期\n  value: 数值\n  unit: 单位\n");

        var (_, rejects) = Run(source, "year-and-period.csv");

        Assert.StartsWith("no year: '一季度' does not say its year; periods written as 一季度/第1季度/Q1, 1-9月/1至9月/1-9月累计, 9月/九月/9月份, 上半年, 前三季度 and 全年 take theirs",
            rejects[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void IndicatorPeriodType_MakesItsMonthsYearToDate_AndLeavesItsNeighboursMonthly()
    {
        const string Codes = "codes: { 数字经济核心产业增加值: DE_CORE_VALUE_ADDED, 电子信息产业规模累计值: ELECTRONIC_INFO_INDUSTRY_SCALE, 软件和信息技术服务业营业收入: SOFTWARE_IT_SERVICES_OUTPUT }";
        var declared = Source(Csv + $"mapping:\n  indicator: {{ from: 指标, {Codes} }}\n  period: 月份\n  value: 数值\n  indicators:\n    ELECTRONIC_INFO_INDUSTRY_SCALE: {{ periodType: ytd }}\n");
        var undeclared = Source(Csv + $"mapping:\n  indicator: {{ from: 指标, {Codes} }}\n  period: 月份\n  value: 数值\n");

        var (observations, rejects) = Run(declared, "monthly-with-ytd.csv");
        var (unsure, refused) = Run(undeclared, "monthly-with-ytd.csv");

        string Cell(int row) => At("monthly-with-ytd.csv", row, "数值");
        Assert.Equal(
            [
                new Obs("DE_CORE_VALUE_ADDED", "2023-03", 45.2m, "normal", Cell(2)),
                new Obs("ELECTRONIC_INFO_INDUSTRY_SCALE", "2023-01..2023-03", 160.3m, "normal", Cell(3)),
                new Obs("SOFTWARE_IT_SERVICES_OUTPUT", "2023-03", 11.2m, "normal", Cell(4)),
                new Obs("ELECTRONIC_INFO_INDUSTRY_SCALE", "2023-01..2023-04", 214.9m, "normal", Cell(5)),
            ],
            observations);
        Assert.Empty(rejects);
        // Without the setting, a flow labelled 累计 for a single month is a period type in doubt: rejected, never guessed.
        Assert.Equal([observations[0], observations[2]], unsure);
        Assert.Equal(
            "ELECTRONIC_INFO_INDUSTRY_SCALE: the label '电子信息产业规模累计值' says 累计 but the period '2023-03' is a single month; "
            + "set periodType: ytd for ELECTRONIC_INFO_INDUSTRY_SCALE in mapping.indicators if the figure runs from January, or periodType: month if it does not",
            refused[0].Reason);
        Assert.Equal(2, refused.Count);
    }

    [Fact]
    public void DeclaredPeriodTypeThePeriodContradicts_IsRejected()
    {
        var source = Source(Csv + "mapping:\n  indicator: { from: 指标, codes: { 数字经济核心产业增加值: DE_CORE_VALUE_ADDED } }\n  period: 月份\n  value: 数值\n  indicators:\n    DE_CORE_VALUE_ADDED: { periodType: quarter }\n");

        var (observations, rejects) = Run(source, "monthly-with-ytd.csv");

        Assert.Empty(observations);
        Assert.Equal("DE_CORE_VALUE_ADDED: the period '2023-03' is a month but the mapping says periodType quarter", rejects[0].Reason);
    }

    [Fact]
    public void TwoValueColumnsOfOneRow_HaveTheirOwnPeriodTypes()
    {
        var source = Source(Csv + """
            mapping:
              indicator: { from: 指标, codes: { 电子信息产业规模: ELECTRONIC_INFO_INDUSTRY_SCALE, 软件和信息技术服务业营业收入: SOFTWARE_IT_SERVICES_OUTPUT } }
              period: 月份
              values:
                - { from: 本月, unit: 亿元 }
                - { from: 1-本月累计, unit: 亿元, periodType: ytd }
            """);

        var (observations, rejects) = Run(source, "current-and-cumulative.csv");

        string Cell(int row, string column) => At("current-and-cumulative.csv", row, column);
        Assert.Empty(rejects);
        Assert.Equal(
            [
                new Obs("SOFTWARE_IT_SERVICES_OUTPUT", "2023-03", 11.2m, "normal", Cell(2, "本月")),
                new Obs("SOFTWARE_IT_SERVICES_OUTPUT", "2023-01..2023-03", 30.4m, "normal", Cell(2, "1-本月累计")),
                new Obs("ELECTRONIC_INFO_INDUSTRY_SCALE", "2023-03", 55m, "normal", Cell(3, "本月")),
                new Obs("ELECTRONIC_INFO_INDUSTRY_SCALE", "2023-01..2023-03", 160.3m, "normal", Cell(3, "1-本月累计")),
            ],
            observations);
    }

    [Theory]
    [InlineData("skip: '$sub == true'", "skipped by mapping.skip '$sub == true'")]
    [InlineData("indicator: { from: 指标名称, codes: { 软件和信息技术服务业营业收入: SOFTWARE_IT_SERVICES_OUTPUT, 电子信息产业规模: ELECTRONIC_INFO_INDUSTRY_SCALE }, unlisted: skip }", "'其中：集成电路设计收入' is not listed in mapping.indicator.codes (unlisted: skip)")]
    public void SubItemsThePlanDoesNotTrack_AreSkippedNotRejected(string rule, string firstReason)
    {
        var indicator = rule.StartsWith("indicator", StringComparison.Ordinal) ? rule : "indicator: { from: 指标名称, codes: { 软件和信息技术服务业营业收入: SOFTWARE_IT_SERVICES_OUTPUT, 电子信息产业规模: ELECTRONIC_INFO_INDUSTRY_SCALE } }";
        var skip = rule.StartsWith("skip", StringComparison.Ordinal) ? "\n  " + rule : string.Empty;
        var source = Source(Csv + $"mapping:\n  {indicator}{skip}\n  period: 期别\n  value: 数值\n  unit: 单位\n");

        var (observations, rejects) = Run(source, "sub-items.csv");

        Assert.Equal([("SOFTWARE_IT_SERVICES_OUTPUT", 126.8m), ("ELECTRONIC_INFO_INDUSTRY_SCALE", 648m)], observations.Select(o => (o.Indicator, o.Value)));
        Assert.Equal(["skipped", "skipped"], rejects.Select(r => r.Kind));
        Assert.Equal(firstReason, rejects[0].Reason);
    }

    [Fact]
    public void UnitColumnAndColumnHeaderThatDisagree_AreRejectedNeverGuessed()
    {
        var source = Source(Csv + "mapping:\n  indicator: { from: 指标, codes: { 电子信息产业规模: ELECTRONIC_INFO_INDUSTRY_SCALE } }\n  period: 期别\n  value: 增加值（亿元）\n  unit: 单位\n");

        var (observations, rejects) = Run(source, "unit-conflict.csv");

        Assert.Equal([new Obs("ELECTRONIC_INFO_INDUSTRY_SCALE", "2022", 571.3m, "normal", At("unit-conflict.csv", 2, "增加值"))], observations);
        Assert.Equal([new Rej("error", "unit", At("unit-conflict.csv", 3, "增加值"), "ELECTRONIC_INFO_INDUSTRY_SCALE: field '单位' says the unit is '万元' but the column header says '亿元'")], rejects);
    }

    [Fact]
    public void ByteOrderMark_IsStripped_WhateverTheDeclaredEncoding()
    {
        foreach (var encoding in new[] { "utf-8", "gb18030", "auto" })
        {
            var source = Source(Csv.Replace("file: { path: x.csv }", $"file: {{ path: x.csv, encoding: {encoding} }}", StringComparison.Ordinal)
                + "mapping:\n  indicator: { from: 指标, codes: { 数字经济核心产业增加值: DE_CORE_VALUE_ADDED } }\n  period: 统计月份\n  value: 数值\n  unit: { const: 亿元 }\n");

            var (observations, rejects) = Run(source, "bom-utf8.csv");

            Assert.Empty(rejects);
            Assert.Equal([new Obs("DE_CORE_VALUE_ADDED", "2023-09", 52.3m, "normal", At("bom-utf8.csv", 2, "数值"))], observations);
        }
    }
}
