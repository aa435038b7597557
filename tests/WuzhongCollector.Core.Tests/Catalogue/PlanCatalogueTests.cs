using System.Globalization;
using System.Text.RegularExpressions;
using WuzhongCollector.Core.Catalogue;

namespace WuzhongCollector.Core.Tests.Catalogue;

/// <summary>The committed catalogue against the plan text it was read from.</summary>
public sealed partial class PlanCatalogueTests
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
        Assert.Equal(Catalogue.Indicators.Count, Catalogue.Indicators.Select(i => i.Code).Distinct().Count());
        Assert.All(Catalogue.Indicators, i => Assert.NotEmpty(i.Targets));
    }

    /// <summary>
    /// Reads the plan's goals and tasks (一(三) to the end of 二) phrase by phrase: every number with a unit and every
    /// 全覆盖 / 覆盖全体 lies inside the quoted plan text of an indicator, or is one of the few phrases that set no
    /// target of their own (each listed with why).
    /// </summary>
    [Fact]
    public void Catalogue_EveryQuantifiedPhraseOfTheGoalsAndTasks_IsATarget()
    {
        (string Phrase, string Context)[] notTargets =
        [
            ("5G", "the technology's name (加快5G及下一代互联网建设, 5G产业集聚区, …)"),
            ("覆盖全区", "describes the 一网通办 app entry (打造覆盖全区、高效便捷的) and a work plan's scope (制定覆盖全区的工作方案)"),
            ("2项", "每年梳理1至2项“一件事” is each leading department's yearly share; the district's target is 不少于30项"),
        ];
        var start = Plan.IndexOf("(三)发展目标", StringComparison.Ordinal);
        var end = Plan.IndexOf("三、保障措施", StringComparison.Ordinal);
        var quoted = Catalogue.Indicators
            .SelectMany(i => AllIndexesOf(Plan, i.PlanText).Select(at => (Start: at, End: at + i.PlanText.Length)))
            .ToList();

        var uncovered = QuantifiedPhrase().Matches(Plan[start..end])
            .Where(m => !quoted.Any(q => q.Start <= start + m.Index && start + m.Index + m.Length <= q.End))
            .Select(m => m.Value)
            .Where(phrase => !notTargets.Any(n => n.Phrase == phrase))
            .ToList();

        Assert.True(uncovered.Count == 0, $"quantified phrases no indicator quotes: {string.Join(", ", uncovered)}");
    }

    [Theory]
    [InlineData("INDUSTRIAL_SOFTWARE_DOMESTIC_SHARE", "工业软件国产化比重")]
    [InlineData("IIOT_SOLUTION_PROVIDERS", "市级以上工业互联网解决方案商")]
    [InlineData("IIOT_BENCHMARK_APPLICATIONS", "工业互联网标杆及典型应用企业")]
    [InlineData("SMART_CAMPUS_SCHOOL_COVERAGE", "智慧校园建设学校覆盖率")]
    public void Catalogue_NamesStandOnTheirOwn(string code, string name) => Assert.Equal(name, Catalogue.Find(code)!.NameZh);

    private static IEnumerable<int> AllIndexesOf(string text, string part)
    {
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + 1, StringComparison.Ordinal))
        {
            yield return at;
        }
    }

    [GeneratedRegex("[0-9]+(?:\\.[0-9]+)?万?(?:亿元|亿|家|个|件|项|台|架|%|G)|全覆盖|覆盖全[体区]")]
    private static partial Regex QuantifiedPhrase();

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
    [InlineData("SMART_CAMPUS_SCHOOL_COVERAGE", "智慧校园建设覆盖全体学校", ">=", "100", 2023, "%")]
    [InlineData("BASE_STATIONS_5G_AREA_COVERAGE", "到2022年,全区范围5G基站实现全覆盖", ">=", "100", 2022, "%")]
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
