using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Sources;

namespace WuzhongCollector.Core.Tests.Sources;

public sealed class SourceFileLoaderTests
{
    private static readonly IndicatorCatalogue Catalogue = CatalogueLoader.Load(Path.Combine(RepoPaths.Config, "catalogue.yaml")).Catalogue!;

    [Fact]
    public void Parse_EveryBundledSourceFile_IsValid()
    {
        var files = Directory.GetFiles(Path.Combine(RepoPaths.Config, "sources"), "*.yaml");

        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.Empty(SourceFileLoader.Load(f, Catalogue).Errors));
    }

    [Fact]
    public void Parse_BrokenFile_ListsEveryErrorWithLineAndField()
    {
        const string yaml = """
            name: broken
            kind: csv
            schedule:
              cron: "every day"
              timeZone: Mars/Olympus
            file:
              path: a.csv
              colour: blue
            mapping:
              indicator: { const: NOT_A_CODE }
              value: 数值
            """;

        var (source, errors) = SourceFileLoader.Parse("broken", "broken.yaml", yaml, Catalogue);

        Assert.Null(source);
        Assert.Equal(
            [
                "broken.yaml:4: schedule.cron: 'every day' is not a valid cron expression (5 fields, or 6 with seconds)",
                "broken.yaml:5: schedule.timeZone: unknown time zone 'Mars/Olympus'",
                "broken.yaml:8: file.colour: unknown field (allowed: path, dropFolder, sheet, encoding, delimiter, quote, headerRow)",
                "broken.yaml:10: mapping.period: is required",
                "broken.yaml:10: mapping.indicator: unknown indicator code 'NOT_A_CODE' (see config/catalogue.yaml)",
            ],
            errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Parse_BadYaml_GivesTheLine()
    {
        var (_, errors) = SourceFileLoader.Parse("x", "x.yaml", "name: a\nkind: [csv\n", Catalogue);

        var error = Assert.Single(errors);
        Assert.Equal("x.yaml", error.File);
        Assert.True(error.Line >= 2);
    }

    [Theory]
    [InlineData("Asia/Shanghai")]
    [InlineData("China Standard Time")]
    public void Parse_TimeZoneIds_OfBothKindsResolve(string zone)
    {
        var yaml = $"""
            kind: csv
            schedule: {"{"} cron: "0 2 * * *", timeZone: "{zone}" {"}"}
            file: {"{"} path: a.csv {"}"}
            mapping: {"{"} indicator: {"{"} const: DC_NEW_PUE {"}"}, period: p, value: v {"}"}
            """;

        var (source, errors) = SourceFileLoader.Parse("tz", "tz.yaml", yaml, Catalogue);

        Assert.Empty(errors);
        Assert.True(TimeZones.TryResolve(source!.Schedule.TimeZone, out var resolved));
        Assert.Equal(TimeSpan.FromHours(8), resolved.BaseUtcOffset);
    }

    [Fact]
    public void Parse_DerivedIndicator_CannotBeCollected()
    {
        const string yaml = """
            kind: csv
            schedule: { cron: "0 2 * * *" }
            file: { path: a.csv }
            mapping: { indicator: { const: DE_CORE_VALUE_ADDED_GROWTH }, period: p, value: v }
            """;

        var (_, errors) = SourceFileLoader.Parse("d", "d.yaml", yaml, Catalogue);

        Assert.Contains(errors, e => e.Message.Contains("derived", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_MappingLanguageMistakes_AreEachReportedWithTheirLine()
    {
        const string yaml = """
            kind: http-json
            schedule: { cron: "0 2 * * *" }
            http: { url: "https://example.test/api", empty: "code = 1100" }
            mapping:
              area: { from: dq, unlisted: pass }
              period: [nf]
              value: sz
              values:
                - { from: a, indicator: NOT_A_CODE, periodType: weekly }
                - { indicator: DC_NEW_PUE }
                - { from: c }
              percentAsFraction: sometimes
              columns: { a: { unit: 斤 } }
              indicators: { DC_NEW_PUE: { periodType: month, colour: red } }
              skip: [ 'jhpt_delete = "1"' ]
            """;

        var (_, errors) = SourceFileLoader.Parse("m", "m.yaml", yaml, Catalogue);

        Assert.Equal(
            [
                "m.yaml:3: http.empty: 'code = 1100' is not a comparison (path == value, path != value, path in [values] or path not in [values])",
                "m.yaml:7: mapping.value: set either 'value' (one value per record) or 'values' (several), not both",
                "m.yaml:9: mapping.values[0].indicator: unknown indicator code 'NOT_A_CODE' (see config/catalogue.yaml)",
                "m.yaml:9: mapping.values[0].periodType: unknown period type 'weekly' (year, quarter, month, ytd)",
                "m.yaml:10: mapping.values[1]: needs 'from', the field or column holding the value",
                "m.yaml:5: mapping.indicator: is required",
                "m.yaml:5: mapping.area.unlisted: applies to a codes list: say what a value the list lacks does",
                "m.yaml:6: mapping.period: a list names two or more fields whose texts together make the period, e.g. [年份, 时期]",
                "m.yaml:12: mapping.percentAsFraction: 'sometimes' must be true or false",
                "m.yaml:13: mapping.columns.a.unit: unknown unit '斤'",
                "m.yaml:14: mapping.indicators.DC_NEW_PUE.colour: unknown field (allowed: unit, percentAsFraction, periodType)",
                "m.yaml:15: mapping.skip: 'jhpt_delete = \"1\"' is not a comparison (path == value, path != value, path in [values] or path not in [values])",
            ],
            errors.Select(e => e.ToString()));
    }
}
