using WuzhongCollector.Core.Freshness;
using WuzhongCollector.Core.Sources;

namespace WuzhongCollector.Core.Tests.Sources;

public sealed class SourceFreshnessTests
{
    private const string Source = """
        name: test
        kind: csv
        schedule: { cron: "0 2 * * *" }
        file: { path: a.csv }
        mapping: { indicator: { const: INDUSTRIAL_ROBOTS_DEPLOYED }, period: 期别, value: 数值 }
        """;

    [Fact]
    public void Parse_FreshnessBlock_IsRead()
    {
        var (source, errors) = SourceFileLoader.Parse("test", "test.yaml", Source + "\nfreshness: { cadence: quarterly, publicationLagDays: 45 }\n", RepoFiles.Catalogue());

        Assert.Empty(errors);
        Assert.Equal(new FreshnessRule(Cadence.Quarterly, 45), source!.Freshness);
    }

    [Fact]
    public void Parse_NoFreshnessBlock_LeavesItUnset()
    {
        var (source, errors) = SourceFileLoader.Parse("test", "test.yaml", Source, RepoFiles.Catalogue());

        Assert.Empty(errors);
        Assert.Null(source!.Freshness);
    }

    [Fact]
    public void Parse_BadFreshness_ReportsFieldsWithLines()
    {
        var yaml = Source + """

            freshness:
              cadence: weekly
              publicationLagDays: 1000
              lag: 3
            """;

        var (source, errors) = SourceFileLoader.Parse("test", "test.yaml", yaml, RepoFiles.Catalogue());

        Assert.Null(source);
        Assert.Equal(
        [
            "test.yaml:9: freshness.lag: unknown field (allowed: cadence, publicationLagDays)",
            "test.yaml:7: freshness.cadence: unknown cadence 'weekly' (yearly, quarterly or monthly)",
            "test.yaml:8: freshness.publicationLagDays: must be between 0 and 730 days",
        ], errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Load_ShippedSources_AllDeclareFreshness()
    {
        var folder = Path.Combine(Path.GetDirectoryName(RepoFiles.Config("catalogue.yaml"))!, "sources");
        var catalogue = RepoFiles.Catalogue();

        var rules = Directory.GetFiles(folder, "*.yaml").Order(StringComparer.Ordinal).Select(f => SourceFileLoader.Load(f, catalogue).Source!.Freshness).ToList();

        Assert.All(rules, Assert.NotNull);
    }
}
