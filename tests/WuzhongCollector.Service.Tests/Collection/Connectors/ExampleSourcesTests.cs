using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Sources;
using WuzhongCollector.Service.Sources;

namespace WuzhongCollector.Service.Tests.Collection.Connectors;

/// <summary>The example sources in config/: one per format, internet ones paused with a reason, demo ones working offline.</summary>
public sealed class ExampleSourcesTests
{
    private static readonly string RepoConfig = Path.Combine(TestConfig.RepoRoot(), "config");

    [Fact]
    public void ConfigSources_LoadWithoutSecrets_OnePerFormat_AndInternetOnesArePausedWithAReason()
    {
        var catalogue = CatalogueLoader.Load(Path.Combine(RepoConfig, "catalogue.yaml")).Catalogue!;

        var (sources, errors) = SourceRegistry.LoadSources(Path.Combine(RepoConfig, "sources"), catalogue, new SourceChecks(new DataRoots(RepoConfig), [5080]), TimeSpan.FromSeconds(10));

        Assert.Empty(errors);
        Assert.Equal(SourceKinds.All.Order(StringComparer.Ordinal), sources.Values.Select(s => s.KindText).Distinct().Order(StringComparer.Ordinal));
        var internet = sources.Values.Where(s => s.Http is { } http && !http.Url.StartsWith("{self}", StringComparison.Ordinal)).ToList();
        Assert.Equal(["nbs-easyquery-archive", "nbs-jiangsu-invention-patents"], internet.Select(s => s.Id).Order(StringComparer.Ordinal));
        Assert.All(internet, s => Assert.True(s.Paused && s.PausedReason!.Length > 20, $"{s.Id} must be paused with a reason"));
    }

    [Theory]
    [InlineData("ckan-dc-racks", 2, "DC_RACKS_NEW 2021 3200 normal; DC_RACKS_NEW 2022 6800 normal; DC_RACKS_NEW 2023 10400 normal")]
    [InlineData("sdmx-online-retail", 1, "ONLINE_RETAIL_SALES 2021 312.4 normal; ONLINE_RETAIL_SALES 2022 356.8 normal; ONLINE_RETAIL_SALES 2023 402.5 provisional")]
    [InlineData("jsonstat-software-output", 1, "SOFTWARE_IT_SERVICES_OUTPUT 2021 98.5 normal; SOFTWARE_IT_SERVICES_OUTPUT 2022 112 normal; SOFTWARE_IT_SERVICES_OUTPUT 2023 126.8 provisional")]
    [InlineData("soda-digital-trade", 2, "DIGITAL_TRADE_ENTERPRISES 2021 86 normal; DIGITAL_TRADE_ENTERPRISES 2022 104 normal; DIGITAL_TRADE_ENTERPRISES 2023 127 normal")]
    [InlineData("sh-portal-digital-government", 1, "AI_CORE_INDUSTRY_SCALE 2021 15.2 normal; BLOCKCHAIN_CASE_ENTERPRISES 2021 6 normal; GOV_INFO_CATALOGUE_COMPLETENESS 2021 76 normal; REGULATORY_COVERAGE_RATE 2021 81.2 normal; "
        + "AI_CORE_INDUSTRY_SCALE 2022 21.5 normal; BLOCKCHAIN_CASE_ENTERPRISES 2022 14 normal; GOV_INFO_CATALOGUE_COMPLETENESS 2022 88.5 normal; REGULATORY_COVERAGE_RATE 2022 86.5 normal; "
        + "AI_CORE_INDUSTRY_SCALE 2023 28.6 normal; BLOCKCHAIN_CASE_ENTERPRISES 2023 21 normal; GOV_INFO_CATALOGUE_COMPLETENESS 2023 100 normal")]
    [InlineData("gxj-industrial-software-csv", 0, "INDUSTRIAL_SOFTWARE_SCALE 2023-01..2023-03 9.8 normal; INDUSTRIAL_SOFTWARE_SCALE 2023-01..2023-06 21.2 normal; INDUSTRIAL_SOFTWARE_SCALE 2023-01..2023-09 33.8 normal; "
        + "INDUSTRIAL_SOFTWARE_SCALE 2023-Q1 9.8 normal; INDUSTRIAL_SOFTWARE_SCALE 2023-Q2 11.4 normal; INDUSTRIAL_SOFTWARE_SCALE 2023-Q3 12.6 normal")]
    public async Task DemoExample_RunsOfflineAgainstTheServicesOwnEndpoint(string sourceId, int calls, string figures)
    {
        using var config = new TestConfig();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoConfig, "sources"), "*.yaml"))
        {
            File.Copy(file, Path.Combine(config.Sources, Path.GetFileName(file)));
        }

        CopyDirectory(Path.Combine(RepoConfig, "samples"), Path.Combine(config.Directory, "samples"));
        await using var host = await CollectorHost.StartAsync(config, settings: new Dictionary<string, string?> { ["Collector:DemoEndpoints"] = "true" });

        var run = await host.CollectAsync(sourceId);

        Assert.Equal(("succeeded", figures.Split("; ").Length, 0), (run.Outcome, run.Counts!.Stored, run.Counts.Rejected));
        Assert.Equal(calls, await host.ScalarAsync<int>("SELECT calls FROM run WHERE id = @RunId", new { run.RunId }));
        var stored = await host.QueryAsync<string>("""
            SELECT indicator_code || ' ' || period || ' ' || trim_scale(value)::text || ' ' || status FROM observation WHERE source_id = @sourceId ORDER BY period, indicator_code
            """, new { sourceId });
        Assert.Equal(figures, string.Join("; ", stored));
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
