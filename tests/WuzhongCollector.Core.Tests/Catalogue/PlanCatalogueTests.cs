using System.Globalization;
using WuzhongCollector.Core.Catalogue;

namespace WuzhongCollector.Core.Tests.Catalogue;

/// <summary>The committed catalogue against the plan text it was read from.</summary>
public sealed class PlanCatalogueTests
{
    private static readonly IndicatorCatalogue Catalogue = LoadCatalogue();
    private static readonly string Plan = File.ReadAllText(Path.Combine(RepoPaths.TestData, "plan", "wuzhong-digital-economy-plan-2021-2023.txt"));

    private static IndicatorCatalogue LoadCatalogue()
    {
        var (catalogue, errors) = CatalogueLoader.Load(Path.Combine(RepoPaths.Config, "catalogue.yaml"));
        Assert.Empty(errors);
        return catalogue!;
    }

    [Fact]
    public void Catalogue_HoldsEveryQuantifiedTarget()
    {
        Assert.InRange(Catalogue.Indicators.Count, 40, 50);
        Assert.Equal(Catalogue.Indicators.Count, Catalogue.Indicators.Select(i => i.Code).Distinct().Count());
        Assert.All(Catalogue.Indicators, i => Assert.NotEmpty(i.Targets));
    }

    [Fact]
    public void Catalogue_EveryPlanTextIsQuotedFromThePlan_AndHoldsItsTargetNumber()
    {
        Assert.All(Catalogue.Indicators, indicator =>
        {
            Assert.Contains(indicator.PlanText, Plan, StringComparison.Ordinal);
            Assert.Contains(Catalogue.Find(indicator.Code)!.Section.Split(' ')[0], Plan, StringComparison.Ordinal);
        });
    }

    [Theory]
    [InlineData("DE_CORE_VALUE_ADDED", "数字经济核心产业增加值达到600亿元", ">=", "600", 2023, "亿元")]
    [InlineData("DE_CORE_VALUE_ADDED_GROWTH", "年均增长率达16%以上", ">=", "16", 2023, "%")]
    [InlineData("DC_NEW_PUE", "PUE(电能使用效率)值达到1.3以下", "<=", "1.3", 2023, "ratio")]
    [InlineData("GOV_CLOUD_ADOPTION_RATE", "政务云上云率达100%", ">=", "100", 2023, "%")]
    [InlineData("DE_VALID_INVENTION_PATENTS", "有效发明专利累计拥有量达到500件以上", ">=", "500", 2023, "件")]
    [InlineData("DE_HIGH_TECH_ENTERPRISES", "高新技术企业300家", ">=", "300", 2023, "家")]
    [InlineData("SOFTWARE_IT_SERVICES_OUTPUT", "软件和信息技术服务业产值超120亿元", ">", "120", 2023, "亿元")]
    public void Catalogue_TargetMatchesThePlan(string code, string planWords, string comparator, string value, int year, string unit)
    {
        var indicator = Catalogue.Find(code)!;
        var target = Assert.Single(indicator.Targets, t => t.Year == year);

        Assert.Contains(planWords, Plan, StringComparison.Ordinal);
        Assert.Equal(comparator, target.Comparator.ToSymbol());
        Assert.Equal(decimal.Parse(value, CultureInfo.InvariantCulture), target.Value);
        Assert.Equal(unit, indicator.Unit);
    }

    [Fact]
    public void Catalogue_5GBaseStations_HasTheTwoMilestones()
    {
        var stations = Catalogue.Find("BASE_STATIONS_5G")!;

        Assert.Equal([(2021, 3000m), (2022, 4000m)], stations.Targets.Select(t => (t.Year, t.Value)).OrderBy(t => t.Year));
        Assert.Contains("3000", Plan, StringComparison.Ordinal);
        Assert.Contains("4000", Plan, StringComparison.Ordinal);
        Assert.Contains(stations.PlanText, Plan, StringComparison.Ordinal);
    }

    [Fact]
    public void Catalogue_GrowthTargetIsDerivedFromValueAdded()
    {
        var growth = Catalogue.Find("DE_CORE_VALUE_ADDED_GROWTH")!;

        Assert.Equal(IndicatorKind.Derived, growth.Kind);
        Assert.Equal("DE_CORE_VALUE_ADDED", growth.DerivedFrom);
    }
}
