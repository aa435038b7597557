using WuzhongCollector.Core.Normalisation;
using WuzhongCollector.Core.OpenData;
using WuzhongCollector.Core.OpenData.Formats;

namespace WuzhongCollector.Core.Tests.OpenData;

public sealed class NbsFormatsTests
{
    private const string NbsSource = """
        name: NBS 分省年度 有效发明专利数
        kind: nbs
        schedule: { cron: "0 3 * * *" }
        http:
          url: https://data.stats.gov.cn/dg/website/publicrelease/web/external/stream/esData
          method: POST
          body: '{"cid":"6f8fbd415cbc40ffa7ecb7fd917f2598","indicatorIds":["b3f1c2d4e5f60718293a4b5c6d7e8f90"],"daCatalogId":"","das":[{"text":"江苏省","value":"320000000000"}],"showType":"1","dts":["2021YY-2025YY"],"rootId":"c4d82af16c3d4f0cb4f09d4af7d5888e"}'
        mapping:
          indicator: { from: indicator, codes: { 有效发明专利数: DE_VALID_INVENTION_PATENTS } }
          area: { from: area, codes: { "320000000000": "320000" } }
          period: period
          value: value
          unit: unit
        """;

    private const string EasyQuerySource = """
        name: NBS easyquery 分省年度 (archived)
        kind: nbs-easyquery
        schedule: { cron: "0 3 * * *" }
        http:
          url: https://data.stats.gov.cn/easyquery.htm
          query:
            m: QueryData
            dbcode: fsnd
            rowcode: zb
            colcode: sj
            wds: '[{"wdcode":"reg","valuecode":"320000"}]'
            dfwds: '[{"wdcode":"sj","valuecode":"LAST5"}]'
        mapping:
          indicator: { from: indicator, codes: { A0K0A01: DE_VALID_INVENTION_PATENTS } }
          area: area
          period: period
          value: value
          unit: unit
        """;

    [Fact]
    public void Nbs_ProvincialAnswer_StoresPublishedYears_AndCountsUnpublishedAsMissing()
    {
        var source = OpenDataKit.Source(NbsSource);

        var (stored, rejected) = OpenDataKit.Collect(source, "nbs-esdata-provincial-annual.json");

        Assert.Equal(
            [
                new Stored("DE_VALID_INVENTION_PATENTS", "320000", "2023", 329815m, "normal"),
                new Stored("DE_VALID_INVENTION_PATENTS", "320000", "2022", 285404m, "normal"),
            ],
            stored);
        // "无" (2025 and 2026-10, the latter without a region: the one asked for is assumed) and "" (2024) are unpublished, never 0.
        Assert.Equal(
            [
                ("missing", "https://example.test/api $.data[0].values[0].value", "无"),
                ("missing", "https://example.test/api $.data[2].values[0].value", ""),
                ("missing", "https://example.test/api $.data[5].values[0].value", "无"),
            ],
            rejected.Select(r => (r.KindText, r.Location, r.RawValue)));
    }

    [Fact]
    public void Nbs_PeriodCodes_QuarterSuffixIsAQuarterNotAMonth()
    {
        var source = OpenDataKit.Source(NbsSource.Replace("codes: { 有效发明专利数: DE_VALID_INVENTION_PATENTS }", "codes: { 电子信息制造业营业收入: ELECTRONIC_INFO_INDUSTRY_SCALE }", StringComparison.Ordinal)
            .Replace("""area: { from: area, codes: { "320000000000": "320000" } }""", """area: { const: "100000" }""", StringComparison.Ordinal)
            .Replace("""[{"text":"江苏省","value":"320000000000"}]""", "[]", StringComparison.Ordinal));

        var (stored, rejected) = OpenDataKit.Collect(source, "nbs-esdata-periods.json");

        Assert.Empty(rejected);
        // 202404SS is 2024 Q4; a blank du_name falls back to the unit inside the indicator's name.
        Assert.Equal(
            [
                new Stored("ELECTRONIC_INFO_INDUSTRY_SCALE", "100000", "2024-Q4", 4520.6m, "normal"),
                new Stored("ELECTRONIC_INFO_INDUSTRY_SCALE", "100000", "2025-Q1", 3980.1m, "normal"),
                new Stored("ELECTRONIC_INFO_INDUSTRY_SCALE", "100000", "2025-09", 1502.25m, "normal"),
            ],
            stored);
    }

    [Fact]
    public void Nbs_AnswerForAnotherRegion_FailsAsWrongRegion()
    {
        var source = OpenDataKit.Source(NbsSource.Replace("""{"text":"江苏省","value":"320000000000"}""", """{"text":"天津市","value":"120000000000"}""", StringComparison.Ordinal));
        using var answer = OpenDataKit.Json("nbs-esdata-default-region.json");

        var failure = Assert.Throws<PayloadException>(() => OpenDataReader.Read(source.Kind, source.Http!, answer.RootElement, "esData"));

        Assert.Equal("wrong-region", failure.FailureClass);
        Assert.Equal("esData $.data[0].values[0]: every record is for another region than asked; the record is for region 110000000000 (北京市), but the query asked for 120000000000; NBS falls back to its default region when daCatalogId is not \"\" (or a das value is not a region code of this database)", failure.Message);
    }

    [Fact]
    public void Nbs_DefaultEnvelopeRule_RejectsFailureAndNamesTheMessage()
    {
        var source = OpenDataKit.Source(NbsSource);
        using var answer = System.Text.Json.JsonDocument.Parse("""{"success":false,"state":50000,"message":"参数错误: showType"}""");

        Assert.Equal("success == true", source.Http!.Success!.Text);
        Assert.Equal("success is false", source.Http.Success.Check(answer.RootElement, "esData"));
        Assert.Equal("参数错误: showType", EnvelopeRule.Message(answer.RootElement, source.Http.MessagePaths, "esData"));
    }

    [Fact]
    public void NbsEasyQuery_RegionalAnswer_UsesStrdataAndTreatsHasdataFalseAsMissing()
    {
        var source = OpenDataKit.Source(EasyQuerySource);

        var (stored, rejected) = OpenDataKit.Collect(source, "easyquery-fsnd-jiangsu.json");

        // strdata "329815" wins over data 329815.1750321; empty strdata falls back to data; A0K0A02 has no code mapped.
        Assert.Equal(
            [
                new Stored("DE_VALID_INVENTION_PATENTS", "320000", "2023", 329815m, "normal"),
                new Stored("DE_VALID_INVENTION_PATENTS", "320000", "2022", 285404m, "normal"),
            ],
            stored);
        Assert.Equal(
            [
                ("missing", "https://example.test/api $.returndata.datanodes[2].value"),
                ("error", "https://example.test/api $.returndata.datanodes[3].indicator"),
            ],
            rejected.Select(r => (r.KindText, r.Location)));
    }

    [Fact]
    public void NbsEasyQuery_IndexNode_KeepsTheOfficialRounding()
    {
        var source = OpenDataKit.Source(EasyQuerySource);
        using var answer = OpenDataKit.Json("easyquery-fsnd-jiangsu.json");

        var index = OpenDataReader.Read(source.Kind, source.Http!, answer.RootElement, "q")[3];

        Assert.Equal("100.7", index.Get("value"));
        Assert.Equal("专利申请授权量指数(上年=100)", index.Get("indicatorName"));
        Assert.Equal("江苏省", index.Get("areaName"));
        Assert.Equal("2023年", index.Get("periodName"));
    }

    [Fact]
    public void NbsEasyQuery_Returncode501_FailsTheEnvelopeWithTheStringBodyAsMessage()
    {
        var source = OpenDataKit.Source(EasyQuerySource);
        using var answer = OpenDataKit.Json("easyquery-501.json");

        Assert.Equal("returncode is 501", source.Http!.Success!.Check(answer.RootElement, "q"));
        Assert.Equal("对不起，未能找到符合查询条件的信息。", EnvelopeRule.Message(answer.RootElement, source.Http.MessagePaths, "q"));
    }

    [Fact]
    public void NbsEasyQuery_AnswerWithoutTheAskedRegion_FailsAsWrongRegion()
    {
        // The national quarterly database answers with the national series and no region at all.
        var source = OpenDataKit.Source(EasyQuerySource.Replace("dbcode: fsnd", "dbcode: hgjd", StringComparison.Ordinal));
        using var answer = OpenDataKit.Json("easyquery-hgjd-national.json");

        var failure = Assert.Throws<PayloadException>(() => OpenDataReader.Read(source.Kind, source.Http!, answer.RootElement, "q"));

        Assert.Equal("wrong-region", failure.FailureClass);
        Assert.Equal("q $.returndata.datanodes[0]: every record is for another region than asked; the record has no region, but the query asked for 320000; dbcode hgjd is a national database and ignores regions: use fsjd (分省) or csjd (城市)", failure.Message);
    }

    [Fact]
    public void NbsEasyQuery_QuarterLetters_BecomeQuarters()
    {
        var source = OpenDataKit.Source(EasyQuerySource.Replace("""wds: '[{"wdcode":"reg","valuecode":"320000"}]'""", "wds: '[]'", StringComparison.Ordinal));
        using var answer = OpenDataKit.Json("easyquery-hgjd-national.json");

        var records = OpenDataReader.Read(source.Kind, source.Http!, answer.RootElement, "q");

        Assert.Equal([("2024-Q4", "2024D", "5.4"), ("2024-Q3", "2024C", "4.6")], records.Select(r => (r.Get("period"), r.Get("periodCode"), r.Get("value"))));
        Assert.True(PeriodParser.TryParse(records[0].Get("period"), out var period));
        Assert.Equal("2024-Q4", period.Id);
    }

    [Fact]
    public void NbsData_SplitName_TakesTheUnitOutOfTheShowName()
    {
        Assert.Equal(("地区生产总值", "亿元"), NbsDataReader.SplitName("地区生产总值 (亿元) "));
        Assert.Equal(("居民消费价格指数", "上年同月=100"), NbsDataReader.SplitName("居民消费价格指数 (上年同月=100) "));
        Assert.Equal(("有效发明专利数", (string?)null), NbsDataReader.SplitName("有效发明专利数"));
    }
}
