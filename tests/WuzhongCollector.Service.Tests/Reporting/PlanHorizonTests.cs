using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using WuzhongCollector.Core.Reporting;
using WuzhongCollector.Service.Tests.Plan;

namespace WuzhongCollector.Service.Tests.Reporting;

public sealed class PlanHorizonTests : IDisposable
{
    /// <summary>6 December 2026: three years after the plan ended.</summary>
    private static readonly DateTimeOffset AfterThePlan = new(2026, 12, 6, 2, 0, 0, TimeSpan.Zero);
    private readonly TestConfig config = new();

    public void Dispose() => config.Dispose();

    [Fact]
    public async Task AfterThePlan_NothingIsExpectedBeyondIt_UnlessTrackedUntil_AndTheFinalEvaluationJudgesEachTargetYear()
    {
        await using var host = await StartAfterThePlanAsync(() => CollectorHost.StartAsync(config, timeProvider: new FakeTimeProvider(AfterThePlan)));

        var plan = await host.ProgressAsync();
        var stale = plan.Indicators.Where(i => i.Freshness.Stale).ToDictionary(i => i.Code, i => i.Freshness.ExpectedPeriodEnd);
        Assert.Equal(new DateOnly(2025, 12, 31), stale["INDUSTRIAL_ROBOTS_DEPLOYED"]);
        Assert.False(plan.Indicators.Single(i => i.Code == "SOFTWARE_IT_SERVICES_OUTPUT").Freshness.Stale);
        // The source feeds the robots too, so it still owes their 2025 figure.
        var freshness = await host.Http.GetFromJsonAsync<JsonElement>("/api/freshness");
        Assert.Equal("2025-12-31", freshness.GetProperty("sources")[0].GetProperty("expectedPeriodEnd").GetString());

        var evaluation = await host.Http.GetFromJsonAsync<JsonElement>("/api/evaluation");
        Assert.True(evaluation.GetProperty("finished").GetBoolean());
        var verdicts = evaluation.GetProperty("targets").EnumerateArray().ToDictionary(
            t => (t.GetProperty("code").GetString()!, t.GetProperty("year").GetInt32()),
            t => (t.GetProperty("verdict").GetString(), t.GetProperty("figure").ValueKind == JsonValueKind.Null ? null : $"{t.GetProperty("figure").GetProperty("period")} {t.GetProperty("figure").GetProperty("value")} {t.GetProperty("figure").GetProperty("statusZh")}"));
        Assert.Equal(("met", "2021 3120 公报"), verdicts[("BASE_STATIONS_5G", 2021)]);
        Assert.Equal(("not-met", "2022 3900 快报"), verdicts[("BASE_STATIONS_5G", 2022)]);
        Assert.Equal(("met", "2023 126 快报"), verdicts[("SOFTWARE_IT_SERVICES_OUTPUT", 2023)]);
        Assert.Equal(("no-data", "2023-01..2023-09 1 预计"), verdicts[("DE_TECH_STANDARDS_NEW", 2023)]);
        Assert.Equal(("no-data", null), verdicts[("DE_PCT_APPLICATIONS", 2023)]);
    }

    [ChromiumFact]
    public async Task PlanPage_OfAFinishedPlan_LeadsWithTheFinalEvaluation_ShowsNoOverdueDaysPastTheHorizon_AndWhoHasDelivered()
    {
        await using var host = await StartAfterThePlanAsync(() => ReportingFixture.StartAsync(config, new FakeTimeProvider(AfterThePlan), new() { ["Reporting:DemoSubmissions"] = "true" }));
        var evaluation = await host.Http.GetFromJsonAsync<JsonElement>("/api/evaluation");

        await using var chromium = await ChromiumSession.LaunchAsync();
        var page = await chromium.Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 }, Locale = "zh-CN" });
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync(host.BaseUrl + "/plan");
        await page.WaitForSelectorAsync("body[data-ready='true']");

        // The final evaluation comes first, one row per target with the API's verdict and the deciding figure.
        Assert.Equal("evaluation", await page.EvaluateAsync<string>("() => document.querySelector('main > section:not([hidden])').id"));
        Assert.StartsWith("终期评估（规划期 2021–2023 年已结束）", await page.TextContentAsync("#evaluation-title"), StringComparison.Ordinal);
        var rows = await page.Locator("#evaluation tr.evaluation-row").EvaluateAllAsync<string[]>(
            "rows => rows.map(r => [r.dataset.indicator, r.dataset.year, r.dataset.verdict].join(' '))");
        Assert.Equal(
            evaluation.GetProperty("targets").EnumerateArray().Select(t => $"{t.GetProperty("code")} {t.GetProperty("year")} {t.GetProperty("verdict")}"),
            rows);
        var software = page.Locator("#evaluation tr[data-indicator='SOFTWARE_IT_SERVICES_OUTPUT'][data-year='2023'] td");
        Assert.Equal(("达成", "1262023", "快报"), (await software.Nth(2).TextContentAsync(), await software.Nth(3).TextContentAsync(), await software.Nth(4).TextContentAsync()));

        // No 过期 N 天 where the 2023 figures are in (the bureau's software output, the demo's 区科技局 figures), but for
        // the indicator tracked beyond the plan; indicators nobody delivered for 2023 stay overdue.
        var stale = (await page.Locator("tr.target-row:has(.stale)").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.indicator)")).Distinct().ToList();
        Assert.Equal((await host.ProgressAsync()).Indicators.Where(i => i.Freshness.Stale).Select(i => i.Code).Order(), stale.Order());
        Assert.Contains("INDUSTRIAL_ROBOTS_DEPLOYED", stale);
        Assert.DoesNotContain("SOFTWARE_IT_SERVICES_OUTPUT", stale);
        Assert.Empty(host.Services.GetRequiredService<ReportingPlan>().IndicatorsOf(ReportingFixture.Kjj).Select(i => i.Code).Intersect(stale));

        // Who has delivered: the demo's on-time and late departments and the missing rest, for the period chosen.
        await page.SelectOptionAsync("#reporting-period", "2023-Q4");
        var kjj = page.Locator("#reporting tr.reporting-row[data-department='区科技局']");
        Assert.Equal(("on-time", "按时报送（示例）"), (await kjj.GetAttributeAsync("data-status"), await kjj.Locator("td").Nth(3).TextContentAsync()));
        Assert.Equal("missing", await page.GetAttributeAsync("#reporting tr.reporting-row[data-department='区工信局']", "data-status"));
        await page.SelectOptionAsync("#reporting-period", "2023");
        Assert.Equal("late", await page.GetAttributeAsync("#reporting tr.reporting-row[data-department='区市场监管局']", "data-status"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "plan-finished.png"), FullPage = true });
    }

    /// <summary>Figures up to 2023 from one bureau; INDUSTRIAL_ROBOTS_DEPLOYED is followed until 2025, everything else ends with the plan.</summary>
    private async Task<CollectorHost> StartAfterThePlanAsync(Func<Task<CollectorHost>> start)
    {
        var catalogue = Path.Combine(config.Directory, "catalogue.yaml");
        File.WriteAllText(catalogue, File.ReadAllText(catalogue).Replace("  - code: INDUSTRIAL_ROBOTS_DEPLOYED\n", "  - code: INDUSTRIAL_ROBOTS_DEPLOYED\n    trackedUntil: 2025\n", StringComparison.Ordinal));
        config.WriteCsvSource("bureau", $"""
            {PlanFixture.Header}
            BASE_STATIONS_5G,2021年,3120,个,公报
            BASE_STATIONS_5G,2022年,3900,个,快报
            SOFTWARE_IT_SERVICES_OUTPUT,2023年,126,亿元,快报
            INDUSTRIAL_ROBOTS_DEPLOYED,2023年,1050,台,公报
            DE_TECH_STANDARDS_NEW,2023年1-9月,1,项,预计
            """, "freshness: { cadence: yearly, publicationLagDays: 120 }");
        var host = await start();
        await host.CollectAsync("bureau");
        return host;
    }
}
