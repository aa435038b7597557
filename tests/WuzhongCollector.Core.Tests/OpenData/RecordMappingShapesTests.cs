using WuzhongCollector.Core.Normalisation;
using WuzhongCollector.Core.Sources;

namespace WuzhongCollector.Core.Tests.OpenData;

/// <summary>
/// Shapes of open-data answers the mapping language states directly: several indicators in one record, floats where
/// whole numbers are meant, settings per value, records a portal deleted, and open code lists.
/// </summary>
public sealed class RecordMappingShapesTests
{
    private static SourceDefinition Soda(string mapping) => OpenDataKit.Source($"""
        name: shape
        kind: soda
        schedule: {"{"} cron: "0 3 * * *" {"}"}
        http: {"{"} url: https://example.test/resource/abcd-1234.json {"}"}
        mapping:
        {mapping}
        """);

    private static SourceDefinition ShippedPortalSource(Func<string, string>? edit = null)
    {
        var yaml = File.ReadAllText(Path.Combine(RepoPaths.Config, "sources", "sh-portal-digital-government.yaml"));
        return OpenDataKit.Source(edit?.Invoke(yaml) ?? yaml);
    }

    private static byte[] PortalSample() => File.ReadAllBytes(Path.Combine(RepoPaths.Config, "samples", "opendata", "sh-portal-digital-government.json"));

    [Fact]
    public void PortalRecordWithSeveralIndicators_GivesOneFigurePerField_WithEachFieldsUnitAndScale_AndSkipsDeletedRows()
    {
        var (stored, rejected) = OpenDataKit.Collect(ShippedPortalSource(), PortalSample());

        // Years "2021.0"; rgzn in 万元 → 亿元; jgfg a fraction → %; mlwz already a percentage (76.0 stays 76).
        Assert.Equal(
            [
                new Stored("AI_CORE_INDUSTRY_SCALE", "320506", "2021", 15.2m, "normal"),
                new Stored("BLOCKCHAIN_CASE_ENTERPRISES", "320506", "2021", 6m, "normal"),
                new Stored("REGULATORY_COVERAGE_RATE", "320506", "2021", 81.2m, "normal"),
                new Stored("GOV_INFO_CATALOGUE_COMPLETENESS", "320506", "2021", 76m, "normal"),
                new Stored("AI_CORE_INDUSTRY_SCALE", "320506", "2022", 21.5m, "normal"),
                new Stored("BLOCKCHAIN_CASE_ENTERPRISES", "320506", "2022", 14m, "normal"),
                new Stored("REGULATORY_COVERAGE_RATE", "320506", "2022", 86.5m, "normal"),
                new Stored("GOV_INFO_CATALOGUE_COMPLETENESS", "320506", "2022", 88.5m, "normal"),
                new Stored("AI_CORE_INDUSTRY_SCALE", "320506", "2023", 28.6m, "normal"),
                new Stored("BLOCKCHAIN_CASE_ENTERPRISES", "320506", "2023", 21m, "normal"),
                new Stored("GOV_INFO_CATALOGUE_COMPLETENESS", "320506", "2023", 100m, "normal"),
            ],
            stored);
        Assert.Equal(
            [
                ("skipped", "https://example.test/api $.data.data[2]", "skipped by mapping.skip 'jhpt_delete == \"1\"'"),
                ("missing", "https://example.test/api $.data.data[3].jgfg", "REGULATORY_COVERAGE_RATE 2023: missing-data marker '—'"),
            ],
            rejected.Select(r => (r.KindText, r.Location, r.Reason)));
    }

    [Fact]
    public void SourceWidePercentAsFraction_RejectsAPercentageItWouldMultiply_NeverStores7600Percent()
    {
        var source = ShippedPortalSource(yaml => yaml
            .Replace("  skip:", "  percentAsFraction: true\n  skip:", StringComparison.Ordinal)
            .Replace(", percentAsFraction: true }", " }", StringComparison.Ordinal));

        var (stored, rejected) = OpenDataKit.Collect(source, PortalSample());

        Assert.Equal([81.2m, 86.5m], stored.Where(s => s.Indicator == "REGULATORY_COVERAGE_RATE").Select(s => s.Value));
        Assert.DoesNotContain(stored, s => s.Indicator == "GOV_INFO_CATALOGUE_COMPLETENESS" && s.Value > 100m);
        // 76.0, 88.5 and 100 are not fractions: each is rejected with the reason, none is scaled.
        var refused = rejected.Where(r => r.Field == "value" && r.Kind == RejectKind.Error).ToList();
        Assert.Equal(["76.0", "88.5", "100"], refused.Select(r => r.RawValue));
        Assert.Equal(
            "GOV_INFO_CATALOGUE_COMPLETENESS 2021: '76.0' is not a fraction, but percentAsFraction is set for it (it would be 7600 %); if this column writes percentages as 76.0, set percentAsFraction: false for it in mapping.columns",
            refused[0].Reason);
        Assert.Equal(3, stored.Count(s => s.Indicator == "AI_CORE_INDUSTRY_SCALE"));
    }

    [Fact]
    public void WholeNumbersWrittenAsFloats_AreThoseNumbers_AndADecimalYearIsRejected()
    {
        var source = Soda("  indicator: { from: indicator, codes: { 数字贸易企业: DIGITAL_TRADE_ENTERPRISES } }\n  period: year\n  value: count");

        var (stored, rejected) = OpenDataKit.Collect(source, "soda-float-years.json");

        Assert.Equal(
            [
                new Stored("DIGITAL_TRADE_ENTERPRISES", "320506", "2022", 104m, "normal"),
                new Stored("DIGITAL_TRADE_ENTERPRISES", "320506", "2023", 127m, "normal"),
                new Stored("DIGITAL_TRADE_ENTERPRISES", "320506", "2024", 141m, "normal"),
            ],
            stored);
        var decimalYear = Assert.Single(rejected);
        Assert.Equal(("period", "2025.5"), (decimalYear.Field, decimalYear.RawValue));
        Assert.Equal("'2025.5' holds the decimal number 2025.5, not a period: a year is whole (2025 or 2025.0), and a month is written 2025.05, 2025-05 or 2025年5月", decimalYear.Reason);
    }

    [Fact]
    public void YearAndMonthFields_MakeTheMonth_AndABareNumberAfterTheYearIsNotGuessed()
    {
        const string Indicator = "  indicator: { from: zb, codes: { 累计建成5G基站: BASE_STATIONS_5G } }\n  value: sl\n";

        var (stored, rejected) = OpenDataKit.Collect(Soda(Indicator + "  period: \"{nian}年{yue}月\""), "year-and-month.json");
        var (_, ambiguous) = OpenDataKit.Collect(Soda(Indicator + "  period: [nian, yue]"), "year-and-month.json");

        // "2023.0" + "9.0" and the JSON numbers 2023.0 + 10.0.
        Assert.Equal([("2023-09", 4630m), ("2023-10", 4712m)], stored.Select(s => (s.Period, s.Value)));
        Assert.Equal(
            [
                "'2023年13月' is not a period this service reads (e.g. 2023, 2023年9月, 2023-Q1, 2023年1-9月, 202309)",
                "'2023.5年11月' holds the decimal number 2023.5, not a period: a year is whole (2025 or 2025.0), and a month is written 2025.05, 2025-05 or 2025年5月",
            ],
            rejected.Select(r => r.Reason));
        Assert.Equal(
            "'2023年9': a bare number after the year could be a month or a quarter; write the template with the word, e.g. \"{年份}年{月份}月\" or \"{年份}-Q{季度}\"",
            ambiguous[0].Reason);
        Assert.Equal(4, ambiguous.Count);
    }

    [Theory]
    [InlineData("", "320506", "'320505' is not listed in mapping.area.codes; the list is closed (set unlisted: pass or skip to change that)")]
    [InlineData(", unlisted: pass", "320506 320505 320506101", "'虎丘区' is a name, not an area code (such as 320506); list it in mapping.area.codes")]
    public void AreaCodes_AreClosed_UnlessValuesThatAreAlreadyCodesPass(string unlisted, string areas, string firstReason)
    {
        var source = OpenDataKit.Source($$"""
            name: areas
            kind: http-json
            schedule: { cron: "0 3 * * *" }
            http: { url: https://example.test/api, records: data }
            mapping:
              indicator: { const: BASE_STATIONS_5G }
              area: { from: dq, codes: { 吴中区: "320506" }{{unlisted}} }
              period: nf
              value: sl
            """);

        var (stored, rejected) = OpenDataKit.Collect(source, "areas.json");

        Assert.Equal(areas, string.Join(' ', stored.Select(s => s.Area)));
        Assert.Equal(firstReason, rejected[0].Reason);
    }

    [Fact]
    public void AreaWithoutCodes_MustAlreadyBeACode()
    {
        var source = OpenDataKit.Source("""
            name: areas
            kind: http-json
            schedule: { cron: "0 3 * * *" }
            http: { url: https://example.test/api, records: data }
            mapping: { indicator: { const: BASE_STATIONS_5G }, area: dq, period: nf, value: sl }
            """);

        var (stored, rejected) = OpenDataKit.Collect(source, "areas.json");

        Assert.Equal(["320505", "320506101"], stored.Select(s => s.Area));
        Assert.Equal(["'吴中区' is a name, not an area code (such as 320506); list it in mapping.area.codes", "'虎丘区' is a name, not an area code (such as 320506); list it in mapping.area.codes"],
            rejected.Select(r => r.Reason));
    }
}
