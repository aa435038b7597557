using static WuzhongCollector.Core.Tests.Tables.SourceRun;

namespace WuzhongCollector.Core.Tests.Tables;

/// <summary>The district monthly report as .xlsx and as BIFF .xls: the same sheet must give the same figures.</summary>
public sealed class ExcelMonthlyReportTests
{
    private const string Yaml = """
        name: monthly report
        kind: excel
        schedule: { cron: "0 2 * * *" }
        file: { path: x.xlsx, sheet: 主要指标 }
        layout:
          header: { find: 指标名称, rows: 2 }
          label: 指标名称
          wide: [本年情况/本月, 本年情况/1-本月累计, 上年情况/本月, 上年情况/1-本月累计]
        mapping:
          indicator:
            from: 指标名称
            codes:
              数字经济核心产业增加值: DE_CORE_VALUE_ADDED
              软件和信息技术服务业营业收入: SOFTWARE_IT_SERVICES_OUTPUT
              电子信息产业规模: ELECTRONIC_INFO_INDUSTRY_SCALE
              推广应用工业机器人: INDUSTRIAL_ROBOTS_DEPLOYED
          unit: 单位
        """;

    [Theory]
    [InlineData("monthly-report-2022-09.xlsx")]
    [InlineData("monthly-report-2022-09.xls")]
    public void Read_MergedTwoLevelHeaderTitlePeriodNotesAndMarks_GivesExactObservations(string file)
    {
        var (observations, rejects) = Run(Source(Yaml), file);

        string At(int row, string column, string header) => $"{file} sheet '主要指标' row {row} column {column} '{header}'";
        Obs[] expected =
        [
            // The * mark is defined by note 2 as 预计; 2022 values are 快报 by note 1, 2021 values final (终核).
            new("DE_CORE_VALUE_ADDED", "2022-09", 52.3m, "estimated", At(5, "C", "本年情况/本月")),
            // D5 is a formula (=400+48.5): its stored result is read, not its text.
            new("DE_CORE_VALUE_ADDED", "2022-01..2022-09", 448.5m, "provisional", At(5, "D", "本年情况/1-本月累计")),
            new("DE_CORE_VALUE_ADDED", "2021-09", 47.1m, "normal", At(5, "E", "上年情况/本月")),
            new("DE_CORE_VALUE_ADDED", "2021-01..2021-09", 401.2m, "normal", At(5, "F", "上年情况/1-本月累计")),
            // The unit column says 万元: converted to the catalogue's 亿元.
            new("SOFTWARE_IT_SERVICES_OUTPUT", "2022-09", 12.34m, "provisional", At(6, "C", "本年情况/本月")),
            new("SOFTWARE_IT_SERVICES_OUTPUT", "2022-01..2022-09", 105.6m, "provisional", At(6, "D", "本年情况/1-本月累计")),
            new("SOFTWARE_IT_SERVICES_OUTPUT", "2021-09", 11m, "normal", At(6, "E", "上年情况/本月")),
            new("SOFTWARE_IT_SERVICES_OUTPUT", "2021-01..2021-09", 93.2m, "normal", At(6, "F", "上年情况/1-本月累计")),
            // A blank unit cell falls back to the 单位：亿元 row.
            new("ELECTRONIC_INFO_INDUSTRY_SCALE", "2022-01..2022-09", 571.3m, "provisional", At(7, "D", "本年情况/1-本月累计")),
            new("ELECTRONIC_INFO_INDUSTRY_SCALE", "2021-01..2021-09", 512.6m, "normal", At(7, "F", "上年情况/1-本月累计")),
            new("INDUSTRIAL_ROBOTS_DEPLOYED", "2022-09", 75m, "provisional", At(8, "C", "本年情况/本月")),
            new("INDUSTRIAL_ROBOTS_DEPLOYED", "2022-01..2022-09", 655m, "provisional", At(8, "D", "本年情况/1-本月累计")),
            new("INDUSTRIAL_ROBOTS_DEPLOYED", "2021-09", 60m, "normal", At(8, "E", "上年情况/本月")),
            new("INDUSTRIAL_ROBOTS_DEPLOYED", "2021-01..2021-09", 310m, "normal", At(8, "F", "上年情况/1-本月累计")),
        ];
        Assert.Equal(expected, observations);
        Assert.Equal(
            [
                new Rej("missing", "value", At(7, "C", "本年情况/本月"), "ELECTRONIC_INFO_INDUSTRY_SCALE 2022-09: missing-data marker '—'"),
                new Rej("below-unit", "value", At(7, "E", "上年情况/本月"), "ELECTRONIC_INFO_INDUSTRY_SCALE 2021-09: '…' means below the unit of measure"),
            ],
            rejects);
    }

    [Fact]
    public void Read_NoSheetGiven_SkipsTheHiddenFirstSheet()
    {
        var records = Records(Source(Yaml.Replace("sheet: 主要指标", "path: x.xlsx", StringComparison.Ordinal).Replace("{ path: x.xlsx, path: x.xlsx }", "{ path: x.xlsx }", StringComparison.Ordinal)), "monthly-report-2022-09.xlsx");

        Assert.All(records, r => Assert.Equal("主要指标", r.Table!.Shape.Sheet));
        Assert.Equal(16, records.Count);
    }

    [Fact]
    public void Read_HiddenSheetByName_FailsNamingTheSheetAndTheVisibleOnes()
    {
        var source = Source(Yaml.Replace("sheet: 主要指标", "sheet: 底稿", StringComparison.Ordinal));

        var error = Assert.Throws<InvalidDataException>(() => Records(source, "monthly-report-2022-09.xls"));

        Assert.Equal("monthly-report-2022-09.xls: sheet '底稿' is hidden (visible sheets: '主要指标', '附表')", error.Message);
    }

    [Fact]
    public void Read_SheetByVisibleIndex_ReadsTheSecondVisibleSheet()
    {
        var (observations, rejects) = Run(Source(Yaml.Replace("sheet: 主要指标", "sheet: 2", StringComparison.Ordinal).Replace("推广应用工业机器人: INDUSTRIAL_ROBOTS_DEPLOYED", "累计建成5G基站: BASE_STATIONS_5G", StringComparison.Ordinal)), "monthly-report-2022-09.xlsx");

        // 附表 states no period in a title: the relative headers cannot be placed, so nothing is guessed.
        Assert.Empty(observations);
        Assert.Equal(4, rejects.Count);
        Assert.All(rejects, r => Assert.Equal("no period: the title rows and sheet name state none; map mapping.period to a period column", r.Reason));
    }

    [Fact]
    public void Read_RowLabels_AreNormalisedAndSubItemsMarkedWithTheirParent()
    {
        var records = Records(Source(Yaml), "monthly-report-2022-09.xlsx").Where(r => r.Get("$column") == "本年情况/本月").ToList();

        Assert.Equal(
            [
                ("数字经济核心产业增加值", "false", null, "数字经济核心产业增加值"),
                ("软件和信息技术服务业营业收入", "true", "数字经济核心产业增加值", "数字经济核心产业增加值/软件和信息技术服务业营业收入"),
                ("电子信息产业规模", "false", null, "电子信息产业规模"),
                ("推广应用工业机器人", "false", null, "推广应用工业机器人"),
            ],
            records.Select(r => (r.Get("$label"), r.Get("$sub"), r.Get("$parent"), r.Get("$path"))));
    }

    [Fact]
    public void Shape_MonthlyReport_KeepsTitleUnitAndFootersAsNotesNotData()
    {
        var source = Source(Yaml);
        var path = Fixture("monthly-report-2022-09.xlsx");

        var shape = Core.Tables.TableReader.Shapes(() => File.OpenRead(path), "f.xlsx", Core.Parsing.SourceReader.TableOptions(source)).Single();

        Assert.Equal("2022年9月吴中区数字经济主要指标", shape.Title);
        Assert.Equal("2022-09", shape.Period?.Id);
        Assert.Equal("亿元", shape.Unit);
        Assert.Equal(["指标名称", "单位", "本年情况/本月", "本年情况/1-本月累计", "上年情况/本月", "上年情况/1-本月累计", "本年累计比上年同期增减%"], shape.Names);
        Assert.Equal("%", shape.Columns[6].Unit);
        Assert.Equal(
            ["注：1. 2022年数据为快报数，2021年数据为年报终核数。", "2. 带*号的为预计数。", "资料来源：区统计局、区工信局（示例数据）"],
            shape.Notes);
    }
}
