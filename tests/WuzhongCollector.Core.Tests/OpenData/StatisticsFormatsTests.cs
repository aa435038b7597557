using WuzhongCollector.Core.OpenData;
using WuzhongCollector.Core.OpenData.Formats;

namespace WuzhongCollector.Core.Tests.OpenData;

public sealed class StatisticsFormatsTests
{
    [Fact]
    public void SdmxJson10_SeriesKeys_AreIndicesIntoTheSeriesDimensions()
    {
        var source = OpenDataKit.Source("""
            kind: sdmx-json
            schedule: { cron: "0 3 * * *" }
            http: { url: "https://stats.example.org/SDMX-JSON/data/ICT/CHN_JS+CHN_ZJ.ICT_OUTPUT/all" }
            mapping:
              indicator: { from: MEASURE, codes: { ICT_OUTPUT: ELECTRONIC_INFO_INDUSTRY_SCALE } }
              area: { from: REF_AREA, codes: { CHN_JS: "320000", CHN_ZJ: "330000" } }
              period: TIME_PERIOD
              value: value
              unit: { const: 亿元 }
              status: OBS_STATUS
            """);

        var (stored, rejected) = OpenDataKit.Collect(source, "sdmx-1.0-series.json");

        Assert.Equal(
            [
                new Stored("ELECTRONIC_INFO_INDUSTRY_SCALE", "320000", "2021", 1234.5m, "normal"),
                new Stored("ELECTRONIC_INFO_INDUSTRY_SCALE", "320000", "2022", 1302.75m, "provisional"),
                new Stored("ELECTRONIC_INFO_INDUSTRY_SCALE", "330000", "2021", 98.1m, "normal"),
            ],
            stored);
        var missing = Assert.Single(rejected);
        Assert.Equal(("missing", "https://example.test/api $.dataSets[0].series['0:0'].observations['2'].value"), (missing.KindText, missing.Location));
    }

    [Fact]
    public void SdmxJson20_DataSetLevelDimensions_AreNotInTheKeys_AndMeasuresMayBeText()
    {
        var source = OpenDataKit.Source("""
            kind: sdmx-json
            schedule: { cron: "0 3 * * *" }
            http: { url: "https://stats.example.org/rest/data/DE,RETAIL,1.0/Q..ONLINE_RETAIL" }
            mapping:
              indicator: { from: INDICATOR, codes: { ONLINE_RETAIL: ONLINE_RETAIL_SALES } }
              area: { from: REF_AREA, codes: { "320506": "320506" } }
              period: TIME_PERIOD
              value: value
              unit: { const: 亿元 }
              status: OBS_STATUS
            """);

        var (stored, rejected) = OpenDataKit.Collect(source, "sdmx-2.0-series.json");

        // "45.9" arrives as a string; the third observation omits its trailing attribute, so it has no status.
        Assert.Equal(
            [
                new Stored("ONLINE_RETAIL_SALES", "320506", "2023-Q1", 41.2m, "normal"),
                new Stored("ONLINE_RETAIL_SALES", "320506", "2023-Q2", 45.9m, "provisional"),
                new Stored("ONLINE_RETAIL_SALES", "320506", "2023-Q3", 39.0m, "normal"),
            ],
            stored);
        var other = Assert.Single(rejected);
        Assert.Equal(("area", "'320505' is not listed in mapping.area.codes; the list is closed (set unlisted: pass or skip to change that)"), (other.Field, other.Reason));
    }

    [Fact]
    public void SdmxJson_AllDimensionsAtObservation_DecodesFlatKeys()
    {
        var source = OpenDataKit.Source("""
            kind: sdmx-json
            schedule: { cron: "0 3 * * *" }
            http: { url: "https://stats.example.org/rest/data/DF_5G/all?dimensionAtObservation=AllDimensions" }
            mapping:
              indicator: { from: MEASURE, codes: { BS5G: BASE_STATIONS_5G, VIL5G: VILLAGES_5G_COVERED } }
              area: REF_AREA
              period: TIME_PERIOD
              value: value
              status: OBS_STATUS
            """);

        var (stored, rejected) = OpenDataKit.Collect(source, "sdmx-all-dimensions.json");

        Assert.Equal(
            [
                new Stored("BASE_STATIONS_5G", "320506", "2021", 3120m, "normal"),
                new Stored("VILLAGES_5G_COVERED", "320506", "2022", 84m, "provisional"),
            ],
            stored);
        Assert.Equal("https://example.test/api $.data.dataSets[0].observations['0:0:1'].value", Assert.Single(rejected).Location);
    }

    [Fact]
    public void SdmxJson_KeyIndexOutOfRange_IsASchemaError()
    {
        using var answer = System.Text.Json.JsonDocument.Parse(System.Text.Encoding.UTF8.GetString(OpenDataKit.Fixture("sdmx-1.0-series.json")).Replace("\"1:0\"", "\"2:0\"", StringComparison.Ordinal));

        var failure = Assert.Throws<PayloadException>(() => SdmxJsonReader.Read(answer.RootElement, "sdmx"));

        Assert.Equal("schema", failure.FailureClass);
        Assert.Equal("sdmx $.dataSets[0].series['2:0']: key '2:0' position 0 ('2') is not an index into the 2 values of REF_AREA", failure.Message);
    }

    [Fact]
    public void JsonStat_DenseValues_AreRowMajorWithTheLastDimensionFastest()
    {
        var source = OpenDataKit.Source("""
            kind: json-stat
            schedule: { cron: "0 3 * * *" }
            http: { url: "https://px.example.org/api/v2/tables/TAB0001/data?outputFormat=json-stat2" }
            mapping:
              indicator: { from: ContentsCode, codes: { 000007SF: SOFTWARE_IT_SERVICES_OUTPUT } }
              area: Region
              period: Tid
              value: value
              unit: unit
              status: status
            """);

        var (stored, rejected) = OpenDataKit.Collect(source, "jsonstat-dense.json");

        // 万元 converted to the indicator's 亿元; status "p" on cell 1 only; cell 2 is null.
        Assert.Equal(
            [
                new Stored("SOFTWARE_IT_SERVICES_OUTPUT", "320506", "2021", 125m, "normal"),
                new Stored("SOFTWARE_IT_SERVICES_OUTPUT", "320506", "2022", 138m, "provisional"),
                new Stored("SOFTWARE_IT_SERVICES_OUTPUT", "320505", "2021", 99m, "normal"),
                new Stored("SOFTWARE_IT_SERVICES_OUTPUT", "320505", "2022", 101m, "normal"),
                new Stored("SOFTWARE_IT_SERVICES_OUTPUT", "320505", "2023", 110m, "normal"),
            ],
            stored);
        Assert.Equal(("missing", "https://example.test/api $.value[2].value"), (Assert.Single(rejected).KindText, rejected[0].Location));
    }

    [Fact]
    public void JsonStat_SparseValues_KeepTheirCellIndex_AndOneStatusAppliesToAll()
    {
        var source = OpenDataKit.Source("""
            kind: json-stat
            schedule: { cron: "0 3 * * *" }
            http: { url: "https://px.example.org/api/v2/tables/TAB0002/data" }
            mapping:
              indicator: { from: ContentsCode, codes: { CLOUD: STAR_CLOUD_ENTERPRISES } }
              period: Tid
              value: value
              unit: unit
              status: status
            """);

        var (stored, rejected) = OpenDataKit.Collect(source, "jsonstat-sparse.json");

        Assert.Empty(rejected);
        Assert.Equal(
            [
                new Stored("STAR_CLOUD_ENTERPRISES", "320506", "2025-Q1", 412m, "estimated"),
                new Stored("STAR_CLOUD_ENTERPRISES", "320506", "2025-Q3", 455m, "estimated"),
            ],
            stored);
    }

    [Fact]
    public void JsonStat_Collection_IsRejectedWithAHint()
    {
        using var answer = System.Text.Json.JsonDocument.Parse("""{"version":"2.0","class":"collection","link":{"item":[]}}""");

        var failure = Assert.Throws<PayloadException>(() => JsonStatReader.Read(answer.RootElement, "px"));

        Assert.Equal("px: a JSON-stat 2.0 dataset is expected, found class 'collection'; ask for outputFormat json-stat2 and one table", failure.Message);
    }

    [Fact]
    public void Ckan_TwoPages_NumbersAsText_AreStoredWithTheirPage()
    {
        var source = OpenDataKit.Source("""
            kind: ckan
            schedule: { cron: "0 3 * * *" }
            http:
              url: https://data.example.gov.cn/api/3/action/datastore_search
              query: { resource_id: 7d16a2b4-5c6d-4e7f-8a9b-0c1d2e3f4a5b, limit: "{limit}", offset: "{offset}" }
              paging: { mode: offset, size: 2, total: result.total }
            mapping:
              indicator: { from: 指标, codes: { 星级上云企业: STAR_CLOUD_ENTERPRISES } }
              period: 年份
              value: 数值
              unit: 单位
            """);

        var (stored, rejected) = OpenDataKit.Collect(source, "ckan-page-1.json", "ckan-page-2.json");

        Assert.Empty(rejected);
        Assert.Equal("result.records", source.Http!.RecordsPath);
        Assert.Equal("success == true", source.Http.Success!.Text);
        Assert.Equal(
            [
                new Stored("STAR_CLOUD_ENTERPRISES", "320506", "2021", 312m, "normal"),
                new Stored("STAR_CLOUD_ENTERPRISES", "320506", "2022", 418m, "normal"),
                new Stored("STAR_CLOUD_ENTERPRISES", "320506", "2023", 1074m, "normal"),
            ],
            stored);
    }

    [Fact]
    public void Ckan_ErrorEnvelope_GivesItsMessage()
    {
        var source = OpenDataKit.Source("""
            kind: ckan
            schedule: { cron: "0 3 * * *" }
            http: { url: "https://data.example.gov.cn/api/3/action/datastore_search?resource_id=7d16a2b4" }
            mapping: { indicator: { const: STAR_CLOUD_ENTERPRISES }, period: 年份, value: 数值 }
            """);
        using var answer = OpenDataKit.Json("ckan-not-found.json");

        Assert.Equal("success is false", source.Http!.Success!.Check(answer.RootElement, "ckan"));
        Assert.Equal("Not found: Resource \"7d16a2b4\" was not found.", EnvelopeRule.Message(answer.RootElement, source.Http.MessagePaths, "ckan"));
    }

    [Fact]
    public void Soda_EveryValueAString_AndTheEmptyArrayReadsNothing()
    {
        var source = OpenDataKit.Source("""
            kind: soda
            schedule: { cron: "0 3 * * *" }
            http:
              url: https://data.example.org/resource/abcd-1234.json
              query: { "$order": ":id", "$limit": "{limit}", "$offset": "{offset}" }
              paging: { mode: offset, size: 2 }
            mapping:
              indicator: { from: indicator, codes: { 数字贸易企业: DIGITAL_TRADE_ENTERPRISES } }
              period: year
              value: count
            """);

        var (stored, rejected) = OpenDataKit.Collect(source, "soda-page-1.json", "soda-empty.json");

        Assert.Empty(rejected);
        Assert.Equal(
            [
                new Stored("DIGITAL_TRADE_ENTERPRISES", "320506", "2021", 25m, "normal"),
                new Stored("DIGITAL_TRADE_ENTERPRISES", "320506", "2022", 31m, "normal"),
            ],
            stored);
    }

    [Fact]
    public void Soda_AnObjectInsteadOfRows_IsASchemaErrorWithItsMessage()
    {
        var source = OpenDataKit.Source("""
            kind: soda
            schedule: { cron: "0 3 * * *" }
            http: { url: "https://data.example.org/resource/abcd-1234.json" }
            mapping: { indicator: { const: DIGITAL_TRADE_ENTERPRISES }, period: year, value: count }
            """);
        using var answer = System.Text.Json.JsonDocument.Parse("""{"code":"query.compiler.malformed","error":true,"message":"Could not parse SoQL query"}""");

        var failure = Assert.Throws<PayloadException>(() => OpenDataReader.Read(source.Kind, source.Http!, answer.RootElement, "soda"));

        Assert.Equal("soda: SODA answers a JSON array of rows; this answer is object: Could not parse SoQL query", failure.Message);
    }
}
