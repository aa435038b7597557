using WuzhongCollector.Core.OpenData;

namespace WuzhongCollector.Core.Tests.OpenData;

/// <summary>Decoders read what an answer means: cumulative series, "no data", foreign regions, units that disagree.</summary>
public sealed class DecoderMeaningTests
{
    private static string EasyQuery(string dbcode, string wds, string codes) => $$"""
        name: NBS easyquery
        kind: nbs-easyquery
        schedule: { cron: "0 3 * * *" }
        http:
          url: https://data.stats.gov.cn/easyquery.htm
          query: { m: QueryData, dbcode: {{dbcode}}, rowcode: zb, colcode: sj, wds: '{{wds}}' }
        mapping:
          indicator: { from: indicatorName, codes: { {{codes}} }, unlisted: skip }
          area: area
          period: period
          value: value
          unit: unit
        """;

    [Fact]
    public void EasyQueryMonthlyTable_CumulativeIndicatorsAreYearToDate_TheirNeighboursStayMonths()
    {
        var source = OpenDataKit.Source(EasyQuery("hgyd", "[]", "软件业务收入_当期值: SOFTWARE_IT_SERVICES_OUTPUT, 软件业务收入_累计值: SOFTWARE_IT_SERVICES_OUTPUT")
            .Replace("area: area", "area: { const: \"100000\" }", StringComparison.Ordinal));

        var (stored, rejected) = OpenDataKit.Collect(source, "easyquery-hgyd-cumulative.json");

        Assert.Equal(
            [
                new Stored("SOFTWARE_IT_SERVICES_OUTPUT", "100000", "2023-03", 11834.2m, "normal"),
                new Stored("SOFTWARE_IT_SERVICES_OUTPUT", "100000", "2023-01..2023-03", 26970.4m, "normal"),
                new Stored("SOFTWARE_IT_SERVICES_OUTPUT", "100000", "2023-01..2023-02", 15136.2m, "normal"),
            ],
            stored);
        // 202302 当期值 is NBS's hasdata:false placeholder; 软件业务收入增长 is not tracked (unlisted: skip), its code says _累计.
        Assert.Equal([("missing", "value"), ("skipped", "indicator")], rejected.Select(r => (r.KindText, r.Field)));
        using var answer = OpenDataKit.Json("easyquery-hgyd-cumulative.json");
        Assert.Equal("2023-01..2023-03", OpenDataReader.Read(source.Kind, source.Http!, answer.RootElement, "q")[4].Get("period"));
    }

    [Fact]
    public void EasyQueryReturncode501_IsNoData_TheRunIsEmptyNotAFailure()
    {
        var source = OpenDataKit.Source(EasyQuery("fsnd", """[{"wdcode":"reg","valuecode":"320000"}]""", "有效发明专利数: DE_VALID_INVENTION_PATENTS"));
        using var answer = OpenDataKit.Json("easyquery-501.json");

        Assert.True(OpenDataReader.IsEmpty(source.Http!, answer.RootElement, "q", out var message));
        Assert.Equal("对不起，未能找到符合查询条件的信息。", message);
        Assert.Empty(OpenDataReader.Read(source.Kind, source.Http!, answer.RootElement, "q"));
        Assert.Equal("returncode == 501", source.Http!.Empty!.Text);
    }

    [Fact]
    public void EasyQueryRecordForAnotherRegion_IsRejectedNamingBoth_AndTheOthersAreStored()
    {
        var source = OpenDataKit.Source(EasyQuery("fsyd", """[{"wdcode":"reg","valuecode":"320000"}]""", "软件业务收入_累计值: SOFTWARE_IT_SERVICES_OUTPUT"));

        var (stored, rejected) = OpenDataKit.Collect(source, "easyquery-fsyd-mixed-regions.json");

        Assert.Equal(
            [
                new Stored("SOFTWARE_IT_SERVICES_OUTPUT", "320000", "2023-01..2023-03", 3120.6m, "normal"),
                new Stored("SOFTWARE_IT_SERVICES_OUTPUT", "320000", "2023-01..2023-02", 1904.3m, "normal"),
            ],
            stored);
        var foreign = Assert.Single(rejected);
        Assert.Equal(("error", "area", "110000", "https://example.test/api $.returndata.datanodes[1].area"), (foreign.KindText, foreign.Field, foreign.RawValue, foreign.Location));
        Assert.Equal("region-mismatch: the record is for region 110000 (北京市), but the query asked for 320000", foreign.Reason);
    }

    [Fact]
    public void EasyQueryAnswerWhoseEveryRecordIsForeign_FailsAsWrongRegion_WithTheHintForTheDbcodeUsed()
    {
        var source = OpenDataKit.Source(EasyQuery("csyd", """[{"wdcode":"reg","valuecode":"320500"}]""", "软件业务收入_累计值: SOFTWARE_IT_SERVICES_OUTPUT"));
        using var answer = OpenDataKit.Json("easyquery-fsyd-mixed-regions.json");

        var failure = Assert.Throws<PayloadException>(() => OpenDataReader.Read(source.Kind, source.Http!, answer.RootElement, "q"));

        Assert.Equal("wrong-region", failure.FailureClass);
        Assert.Equal(
            "q $.returndata.datanodes[0]: every record is for another region than asked; the record is for region 320000 (江苏省), but the query asked for 320500; "
            + "dbcode csyd holds NBS's 36 major cities only (苏州 320500 is not one of them): check the region code in wds, or use fsyd for provinces",
            failure.Message);
    }

    [Fact]
    public void NbsReleaseApi_CumulativeNameIsYearToDate_AndUnitsThatDisagreeAreRejected()
    {
        var source = OpenDataKit.Source("""
            name: NBS esData
            kind: nbs
            schedule: { cron: "0 3 * * *" }
            http:
              url: https://data.stats.gov.cn/dg/website/publicrelease/web/external/stream/esData
              method: POST
              body: '{"cid":"c","indicatorIds":["a","b","c"],"daCatalogId":"","das":[],"showType":"1","dts":["2023MM"]}'
            mapping:
              indicator: { from: indicator, codes: { 软件业务收入累计值: SOFTWARE_IT_SERVICES_OUTPUT, 软件业务收入当期值: SOFTWARE_IT_SERVICES_OUTPUT, 电子信息制造业营业收入: ELECTRONIC_INFO_INDUSTRY_SCALE } }
              area: { const: "100000" }
              period: period
              value: value
              unit: unit
            """);

        var (stored, rejected) = OpenDataKit.Collect(source, "nbs-esdata-cumulative-units.json");

        Assert.Equal(
            [
                new Stored("SOFTWARE_IT_SERVICES_OUTPUT", "100000", "2023-01..2023-03", 26970.4m, "normal"),
                new Stored("ELECTRONIC_INFO_INDUSTRY_SCALE", "100000", "2023-03", 12043m, "normal"),
            ],
            stored);
        var units = Assert.Single(rejected);
        Assert.Equal(("unit", "the answer states two units: du_name '万元' and '亿元' in the indicator's name"), (units.Field, units.Reason));
    }
}
