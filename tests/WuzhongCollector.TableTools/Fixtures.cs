using System.Text;
using WuzhongCollector.Core.Parsing;

namespace WuzhongCollector.TableTools;

/// <summary>
/// The table fixtures of WuzhongCollector.Core.Tests and the sample exports of the demo sources, written from
/// the specs below: <c>dotnet run --project tests/WuzhongCollector.TableTools -- fixtures</c>. The files are
/// committed; tests read them, they do not regenerate them. All figures are sample figures, not official data.
/// </summary>
internal static class Fixtures
{
    public static void WriteAll(string repoRoot)
    {
        var testData = Path.Combine(repoRoot, "tests", "WuzhongCollector.Core.Tests", "TestData", "tables");
        var samples = Path.Combine(repoRoot, "config", "samples");

        using (var xlsx = new XlsxWriter())
        {
            SheetSpec.Write(xlsx, MonthlyReport(), Path.Combine(testData, "monthly-report-2022-09.xlsx"));
        }

        using (var xls = new XlsWriter())
        {
            SheetSpec.Write(xls, MonthlyReport(), Path.Combine(testData, "monthly-report-2022-09.xls"));
        }

        using (var xlsx = new XlsxWriter())
        {
            SheetSpec.Write(xlsx, [WideYears()], Path.Combine(testData, "wide-years.xlsx"));
        }

        using (var xlsx = new XlsxWriter())
        {
            SheetSpec.Write(xlsx, [Fractions()], Path.Combine(testData, "fractions.xlsx"));
        }

        using (var xlsx = new XlsxWriter())
        {
            SheetSpec.Write(xlsx, [MonthlyReportBroken()], Path.Combine(testData, "monthly-report-broken.xlsx"));
        }

        Csv(Path.Combine(testData, "ytd-2023.gb18030.csv"), YearToDateCsv, TextEncodings.Gb18030);
        Csv(Path.Combine(testData, "two-level-2023-09.csv"), TwoLevelCsv, new UTF8Encoding(true));
        Csv(Path.Combine(testData, "header-unit.csv"), HeaderUnitCsv, new UTF8Encoding(false));

        using (var xlsx = new XlsxWriter())
        {
            SheetSpec.Write(xlsx, MonthlyReport(sample: true), Path.Combine(samples, "tjj-monthly-report-2022-09.xlsx"));
        }

        Csv(Path.Combine(samples, "tjj-ytd-2023.gb18030.csv"), YearToDateCsv.Replace("(示例数据)", "(示例数据 sample figures)", StringComparison.Ordinal), TextEncodings.Gb18030);
        Console.WriteLine($"wrote fixtures to {testData} and samples to {samples}");
    }

    private static void Csv(string path, string text, Encoding encoding)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text.ReplaceLineEndings("\r\n"), encoding);
    }

    /// <summary>
    /// A district monthly report (主要经济指标 style): a hidden working sheet first, then the report with a
    /// merged title, a unit row, a two-level merged header, ordinal and 其中 labels, a unit column, a
    /// formula, a mark defined in a note, missing markers, and footer notes; then a second visible sheet.
    /// </summary>
    public static SheetSpec[] MonthlyReport(bool sample = false)
    {
        var source = sample ? "资料来源：区统计局、区工信局（示例数据 sample figures, not official data）" : "资料来源：区统计局、区工信局（示例数据）";
        var hidden = new SheetSpec("底稿", [
            ["指标名称", "单位", "本年情况", null, "上年情况", null],
            [null, null, "本月", "1-本月累计", "本月", "1-本月累计"],
            ["数字经济核心产业增加值", "亿元", 999.0, 999.0, 999.0, 999.0],
        ], [(1, 3, 1, 4), (1, 5, 1, 6)], Hidden: true);
        var report = new SheetSpec("主要指标", [
            ["　　2022年9月吴中区数字经济主要指标", null, null, null, null, null, null],
            ["单位：亿元", null, null, null, null, null, null],
            ["指标名称", "单位", "本年情况", null, "上年情况", null, "本年累计比上年同期增减%"],
            [null, null, "本月", "1-本月累计", "本月", "1-本月累计", null],
            ["一、数字经济核心产业增加值", "亿元", "52.3*", new F("=400+48.5"), 47.1, 401.2, 11.8],
            ["　　其中：软件和信息技术服务业营业收入", "万元", 123400.0, "1,056,000", 110000.0, 932000.0, 13.3],
            ["二、电子信息产业规模", null, "—", 571.3, "…", 512.6, 11.4],
            ["三、推广应用工业机器人", "台", 75.0, new F("=C8+580"), 60.0, 310.0, 111.3],
            ["注：1. 2022年数据为快报数，2021年数据为年报终核数。", null, null, null, null, null, null],
            ["　　2. 带*号的为预计数。", null, null, null, null, null, null],
            [source, null, null, null, null, null, null],
        ], [(1, 1, 1, 7), (3, 1, 4, 1), (3, 2, 4, 2), (3, 3, 3, 4), (3, 5, 3, 6), (3, 7, 4, 7)]);
        var annex = new SheetSpec("附表", [
            ["指标名称", "单位", "本年情况", null, "上年情况", null],
            [null, null, "本月", "1-本月累计", "本月", "1-本月累计"],
            ["累计建成5G基站", "个", 4215.0, 4215.0, 3120.0, 3120.0],
        ], [(1, 1, 2, 1), (1, 2, 2, 2), (1, 3, 1, 4), (1, 5, 1, 6)]);
        return [hidden, report, annex];
    }

    /// <summary>The monthly report as a department might break it: a unit typed into a value, a new row, a wrong unit.</summary>
    public static SheetSpec MonthlyReportBroken()
    {
        var report = MonthlyReport()[1];
        var rows = report.Rows.Select(r => (object?[])r.Clone()).ToArray();
        rows[4][3] = "448.5亿";
        rows[5][0] = "　　其中：集成电路设计收入";
        rows[7][1] = "万元";
        return report with { Rows = rows };
    }

    /// <summary>A wide table, years as columns: a status in a header, a note naming a year, missing markers, %.</summary>
    public static SheetSpec WideYears() => new("历年", [
        ["吴中区数字经济发展主要指标（2020—2023年）", null, null, null, null, null],
        ["指标名称", "计量单位", "2020年", "2021年", "2022年", "2023年（预计）"],
        ["数字经济核心产业增加值", "亿元", 330.5, 389.2, 448.5, 520.0],
        ["新建数据中心PUE值", null, "/", 1.42, 1.3500000000000001, 1.28],
        ["星级上云企业", "家", "无", 96.0, 188.0, "一"],
        ["政务云上云率", "%", "72%", 86.5, 94.0, 100.0],
        ["政务外网骨干带宽", "Mbps", "-", 10000.0, 20000.0, null],
        ["注：2022年数据为快报数。", null, null, null, null, null],
    ], [(1, 1, 1, 6)]);

    /// <summary>Shares stored as fractions, with the binary noise Excel leaves (0.9400000000000001).</summary>
    public static SheetSpec Fractions() => new("上云率", [
        ["指标名称", "2021年", "2022年", "2023年"],
        ["政务云上云率", 0.865, 0.9400000000000001, 1.0],
    ], []);

    /// <summary>GB18030, title and unit rows, a spaced header, periods without a year, full-width digits, a footer note.</summary>
    public const string YearToDateCsv = """
        吴中区2023年数字经济指标完成情况,,,
        单位：万元,,,
        指 标 名 称,期别,数值,备注
        数字经济核心产业增加值,1-9月,"3,856,000",
        数字经济核心产业增加值,上半年,２５６００００,全角数字
        数字经济核心产业增加值,一季度,1250000,
        软件和信息技术服务业营业收入,1-2月,212000,只有累计
        软件和信息技术服务业营业收入,1至3月,301000,
        软件和信息技术服务业营业收入,前三季度,1056000,
        电子信息产业规模,第一季度,1402000,
        电子信息产业规模,1—3月,1402000,
        推广应用工业机器人,2023年1-9月,905,单位不符
        注：2023年数据为快报数。,,,
        资料来源：区统计局(示例数据),,,

        """;

    /// <summary>A two-level header exported to CSV: the merged upper cells are blank after their first column.</summary>
    public const string TwoLevelCsv = """
        2023年9月吴中区数字经济主要指标,,,,,,
        指标名称,单位,本年情况,,上年情况,,增减%
        ,,本月,1-本月累计,本月,1-本月累计,
        数字经济核心产业增加值,亿元,55.1,485.0,52.3,448.5,8.1
        #电子信息产业规模,亿元,60.2,601.0,57.0,571.3,5.2

        """;

    /// <summary>The unit in the value column's header, in full-width brackets.</summary>
    public const string HeaderUnitCsv = """
        指标,年份,数值（万元）
        数字经济核心产业增加值,2021 年,3892000
        数字经济核心产业增加值,２０２２年,"4,485,000"
        推广应用工业机器人,2022年,655

        """;
}
