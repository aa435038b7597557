using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Normalisation;

namespace WuzhongCollector.Service.Tests.Infrastructure;

/// <summary>The sizes of config/catalogue.yaml, so tests follow the catalogue instead of restating its counts.</summary>
public static class RepoCatalogue
{
    private static readonly Lazy<IndicatorCatalogue> Catalogue = new(() =>
        CatalogueLoader.Load(Path.Combine(TestConfig.RepoRoot(), "config", "catalogue.yaml")).Catalogue!);

    public static int Indicators => Catalogue.Value.Indicators.Count;

    public static int Targets => Catalogue.Value.Indicators.Sum(i => i.Targets.Count);

    /// <summary>Whether the indicator counts whole things (件, 家, 个 ...), so a fixture's value of it must be whole.</summary>
    public static bool CountsWhole(string code) => Units.DimensionOf(Catalogue.Value.Find(code)!.Unit) == UnitDimension.Count;
}
