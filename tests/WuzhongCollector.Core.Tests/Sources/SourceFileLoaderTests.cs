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
}
