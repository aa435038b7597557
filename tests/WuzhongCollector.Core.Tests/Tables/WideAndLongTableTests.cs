using static WuzhongCollector.Core.Tests.Tables.SourceRun;

namespace WuzhongCollector.Core.Tests.Tables;

public sealed class WideAndLongTableTests
{
    [Fact]
    public void Read_WideYearsTable_UnpivotsEveryPeriodColumnWithHeaderAndNoteStatuses()
    {
        var source = Source("""
            name: wide years
            kind: excel
            schedule: { cron: "0 2 * * *" }
            file: { path: x.xlsx }
            layout: { header: 2, label: 指标名称, wide: periods }
            mapping:
              indicator:
                from: 指标名称
                codes:
                  数字经济核心产业增加值: DE_CORE_VALUE_ADDED
                  新建数据中心PUE值: DC_NEW_PUE
                  星级上云企业: STAR_CLOUD_ENTERPRISES
                  政务云上云率: GOV_CLOUD_ADOPTION_RATE
                  政务外网骨干带宽: GOV_EXTRANET_BACKBONE_BANDWIDTH
              unit: 计量单位
            """);

        var (observations, rejects) = Run(source, "wide-years.xlsx");

        string At(int row, string column, string header) => $"wide-years.xlsx sheet '历年' row {row} column {column} '{header}'";
        Obs[] expected =
        [
            new("DE_CORE_VALUE_ADDED", "2020", 330.5m, "normal", At(3, "C", "2020年")),
            new("DE_CORE_VALUE_ADDED", "2021", 389.2m, "normal", At(3, "D", "2021年")),
            new("DE_CORE_VALUE_ADDED", "2022", 448.5m, "provisional", At(3, "E", "2022年")),
            // "2023年（预计）": the status leaves the column name and covers the column.
            new("DE_CORE_VALUE_ADDED", "2023", 520m, "estimated", At(3, "F", "2023年")),
            // A stored 1.3500000000000001 is the 1.35 people typed.
            new("DC_NEW_PUE", "2021", 1.42m, "normal", At(4, "D", "2021年")),
            new("DC_NEW_PUE", "2022", 1.35m, "provisional", At(4, "E", "2022年")),
            new("DC_NEW_PUE", "2023", 1.28m, "estimated", At(4, "F", "2023年")),
            new("STAR_CLOUD_ENTERPRISES", "2021", 96m, "normal", At(5, "D", "2021年")),
            new("STAR_CLOUD_ENTERPRISES", "2022", 188m, "provisional", At(5, "E", "2022年")),
            // "72%" and 86.5 in a % row are both per cent.
            new("GOV_CLOUD_ADOPTION_RATE", "2020", 72m, "normal", At(6, "C", "2020年")),
            new("GOV_CLOUD_ADOPTION_RATE", "2021", 86.5m, "normal", At(6, "D", "2021年")),
            new("GOV_CLOUD_ADOPTION_RATE", "2022", 94m, "provisional", At(6, "E", "2022年")),
            new("GOV_CLOUD_ADOPTION_RATE", "2023", 100m, "estimated", At(6, "F", "2023年")),
            // Mbps to the catalogue's Gbps.
            new("GOV_EXTRANET_BACKBONE_BANDWIDTH", "2021", 10m, "normal", At(7, "D", "2021年")),
            new("GOV_EXTRANET_BACKBONE_BANDWIDTH", "2022", 20m, "provisional", At(7, "E", "2022年")),
        ];
        Assert.Equal(expected, observations);
        Assert.Equal(
            [
                ("missing", At(4, "C", "2020年"), "DC_NEW_PUE 2020: missing-data marker '/'"),
                ("missing", At(5, "C", "2020年"), "STAR_CLOUD_ENTERPRISES 2020: missing-data marker '无'"),
                ("missing", At(5, "F", "2023年"), "STAR_CLOUD_ENTERPRISES 2023: missing-data marker '一'"),
                ("missing", At(7, "C", "2020年"), "GOV_EXTRANET_BACKBONE_BANDWIDTH 2020: missing-data marker '-'"),
                ("missing", At(7, "F", "2023年"), "GOV_EXTRANET_BACKBONE_BANDWIDTH 2023: blank cell"),
            ],
            rejects.Select(r => (r.Kind, r.Origin, r.Reason)));
    }

    [Fact]
    public void Read_Gb18030LongTable_TakesYearFromTitleUnitFromUnitRowAndStatusFromFooter()
    {
        var source = Source("""
            name: ytd csv
            kind: csv
            schedule: { cron: "0 2 * * *" }
            file: { path: x.csv }
            layout:
              header: { find: 指标名称 }
            mapping:
              indicator:
                from: 指标名称
                codes:
                  数字经济核心产业增加值: DE_CORE_VALUE_ADDED
                  软件和信息技术服务业营业收入: SOFTWARE_IT_SERVICES_OUTPUT
                  电子信息产业规模: ELECTRONIC_INFO_INDUSTRY_SCALE
                  推广应用工业机器人: INDUSTRIAL_ROBOTS_DEPLOYED
              period: 期别
              value: 数值
            """);

        var (observations, rejects) = Run(source, "ytd-2023.gb18030.csv");

        static string At(int row) => $"ytd-2023.gb18030.csv row {row} column '数值'";
        Obs[] expected =
        [
            new("DE_CORE_VALUE_ADDED", "2023-01..2023-09", 385.6m, "provisional", At(4)),
            new("DE_CORE_VALUE_ADDED", "2023-01..2023-06", 256m, "provisional", At(5)),
            new("DE_CORE_VALUE_ADDED", "2023-Q1", 125m, "provisional", At(6)),
            // 1-2月 stays year-to-date: never split into January and February.
            new("SOFTWARE_IT_SERVICES_OUTPUT", "2023-01..2023-02", 21.2m, "provisional", At(7)),
            new("SOFTWARE_IT_SERVICES_OUTPUT", "2023-01..2023-03", 30.1m, "provisional", At(8)),
            new("SOFTWARE_IT_SERVICES_OUTPUT", "2023-01..2023-09", 105.6m, "provisional", At(9)),
            new("ELECTRONIC_INFO_INDUSTRY_SCALE", "2023-Q1", 140.2m, "provisional", At(10)),
            new("ELECTRONIC_INFO_INDUSTRY_SCALE", "2023-01..2023-03", 140.2m, "provisional", At(11)),
        ];
        Assert.Equal(expected, observations);
        var reject = Assert.Single(rejects);
        Assert.Equal(
            new Rej("error", "unit", At(12), "INDUSTRIAL_ROBOTS_DEPLOYED: unit '万元' (Money) does not match the indicator's unit '台' (Count)"),
            reject);
    }

    [Fact]
    public void Read_TwoLevelHeaderCsvWithoutMergeInfo_FillsUpperLevelAndResolvesRelativePeriods()
    {
        var source = Source("""
            name: two level
            kind: csv
            schedule: { cron: "0 2 * * *" }
            file: { path: x.csv }
            layout: { header: { row: 2, rows: 2 }, wide: periods }
            mapping:
              indicator:
                from: 指标名称
                codes: { 数字经济核心产业增加值: DE_CORE_VALUE_ADDED, 电子信息产业规模: ELECTRONIC_INFO_INDUSTRY_SCALE }
              unit: 单位
            """);

        var (observations, rejects) = Run(source, "two-level-2023-09.csv");

        static string At(int row, string header) => $"two-level-2023-09.csv row {row} column '{header}'";
        Obs[] expected =
        [
            new("DE_CORE_VALUE_ADDED", "2023-09", 55.1m, "normal", At(4, "本年情况/本月")),
            new("DE_CORE_VALUE_ADDED", "2023-01..2023-09", 485.0m, "normal", At(4, "本年情况/1-本月累计")),
            new("DE_CORE_VALUE_ADDED", "2022-09", 52.3m, "normal", At(4, "上年情况/本月")),
            new("DE_CORE_VALUE_ADDED", "2022-01..2022-09", 448.5m, "normal", At(4, "上年情况/1-本月累计")),
            new("ELECTRONIC_INFO_INDUSTRY_SCALE", "2023-09", 60.2m, "normal", At(5, "本年情况/本月")),
            new("ELECTRONIC_INFO_INDUSTRY_SCALE", "2023-01..2023-09", 601.0m, "normal", At(5, "本年情况/1-本月累计")),
            new("ELECTRONIC_INFO_INDUSTRY_SCALE", "2022-09", 57.0m, "normal", At(5, "上年情况/本月")),
            new("ELECTRONIC_INFO_INDUSTRY_SCALE", "2022-01..2022-09", 571.3m, "normal", At(5, "上年情况/1-本月累计")),
        ];
        Assert.Equal(expected, observations);
        Assert.Empty(rejects);
        Assert.Equal("true", Records(source, "two-level-2023-09.csv")[4].Get("$sub"));
    }

    [Theory]
    [InlineData("数值")]
    [InlineData("数值（万元）")]
    public void Read_UnitInValueHeader_ConvertsAndRejectsAnotherDimension(string valueColumn)
    {
        var source = Source($$"""
            name: header unit
            kind: csv
            schedule: { cron: "0 2 * * *" }
            file: { path: x.csv }
            mapping:
              indicator: { from: 指标, codes: { 数字经济核心产业增加值: DE_CORE_VALUE_ADDED, 推广应用工业机器人: INDUSTRIAL_ROBOTS_DEPLOYED } }
              period: 年份
              value: {{valueColumn}}
            """);

        var (observations, rejects) = Run(source, "header-unit.csv");

        Assert.Equal(
            [
                new Obs("DE_CORE_VALUE_ADDED", "2021", 389.2m, "normal", "header-unit.csv row 2 column '数值'"),
                new Obs("DE_CORE_VALUE_ADDED", "2022", 448.5m, "normal", "header-unit.csv row 3 column '数值'"),
            ],
            observations);
        Assert.Equal(
            new Rej("error", "unit", "header-unit.csv row 4 column '数值'", "INDUSTRIAL_ROBOTS_DEPLOYED: unit '万元' (Money) does not match the indicator's unit '台' (Count)"),
            Assert.Single(rejects));
    }

    [Fact]
    public void Read_FractionsWhereConfigSaysSo_GivesPercent()
    {
        var source = Source("""
            name: fractions
            kind: excel
            schedule: { cron: "0 2 * * *" }
            file: { path: x.xlsx }
            layout: { wide: periods }
            mapping:
              indicator: { const: GOV_CLOUD_ADOPTION_RATE }
              percentAsFraction: true
            """);

        var (observations, _) = Run(source, "fractions.xlsx");

        Assert.Equal([("2021", 86.5m), ("2022", 94m), ("2023", 100m)], observations.Select(o => (o.Period, o.Value)));
    }
}

public sealed class CsvDialectTests
{
    [Fact]
    public void Read_DelimiterAndQuoteFromConfig_SplitFieldsAsConfigured()
    {
        var source = Source("""
            name: dialect
            kind: csv
            schedule: { cron: "0 2 * * *" }
            file: { path: x.csv, delimiter: ";", quote: "'" }
            mapping:
              indicator: { from: 指标名称, codes: { 数字经济核心产业增加值: DE_CORE_VALUE_ADDED } }
              period: 期别
              value: 数值
              unit: { const: 元 }
            """);

        var (observations, rejects) = Run(source, "semicolon-quote.csv");

        Assert.Equal([new Obs("DE_CORE_VALUE_ADDED", "2022", 0.04485m, "normal", "semicolon-quote.csv row 2 column '数值'")], observations);
        Assert.Equal("no indicator code for '推广应用工业机器人;示例'; add it to mapping.indicator.codes", Assert.Single(rejects).Reason);
    }

    [Theory]
    [InlineData("auto")]
    [InlineData("gb18030")]
    public void Read_Gb18030DetectedOrConfigured_ReadsTheSameText(string encoding)
    {
        var source = Source($$"""
            name: encoding
            kind: csv
            schedule: { cron: "0 2 * * *" }
            file: { path: x.csv, encoding: {{encoding}} }
            layout: { header: 3 }
            mapping:
              indicator: { from: 指标名称, codes: { 数字经济核心产业增加值: DE_CORE_VALUE_ADDED } }
              period: 期别
              value: 数值
            """);

        var (observations, _) = Run(source, "ytd-2023.gb18030.csv");

        Assert.Equal(["2023-01..2023-09", "2023-01..2023-06", "2023-Q1"], observations.Select(o => o.Period));
    }
}
