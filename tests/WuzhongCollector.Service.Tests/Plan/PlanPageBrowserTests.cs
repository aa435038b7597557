using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using WuzhongCollector.Service.Sources;

namespace WuzhongCollector.Service.Tests.Plan;

public sealed class PlanPageBrowserTests : IDisposable
{
    private readonly TestConfig config = new();

    public void Dispose() => config.Dispose();

    [ChromiumFact]
    public async Task PlanPage_ListsEveryTargetWithItsStatus_FiltersAndDrawsAChart()
    {
        config.WriteCsvSource("bureau", PlanFixture.Figures, "freshness: { cadence: yearly, publicationLagDays: 120 }");
        await using var host = await CollectorHost.StartAsync(config, timeProvider: PlanFixture.Time());
        await host.CollectAsync("bureau");
        var plan = await host.ProgressAsync();
        var catalogue = host.Services.GetRequiredService<SourceRegistry>().Catalogue;

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumFactAttribute.ExecutablePath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 }, Locale = "zh-CN" });
        page.SetDefaultTimeout(20_000);
        var elsewhere = new List<string>();
        await page.RouteAsync("**/*", route =>
        {
            if (route.Request.Url.StartsWith(host.BaseUrl, StringComparison.Ordinal))
            {
                return route.ContinueAsync();
            }

            elsewhere.Add(route.Request.Url);
            return route.AbortAsync();
        });

        await page.GotoAsync(host.BaseUrl + "/plan");
        await page.WaitForSelectorAsync("body[data-ready='true']");

        // Every catalogue target is listed, with the status the API gives it, in Chinese.
        var rows = await page.Locator("tr.target-row").EvaluateAllAsync<string[][]>(
            "rows => rows.map(r => [r.dataset.indicator, r.dataset.year, r.dataset.status, r.querySelector('.status').textContent])");
        var listed = rows.Select(r => (r[0], int.Parse(r[1], System.Globalization.CultureInfo.InvariantCulture), r[2], r[3])).ToList();
        Assert.Equal(
            catalogue.Indicators.SelectMany(i => i.Targets.Select(t => (i.Code, t.Year))).Order(),
            listed.Select(r => (r.Item1, r.Item2)).Order());
        Assert.Equal(
            plan.Indicators.SelectMany(i => i.Targets.Select(t => (i.Code, t.Year, t.Status, t.StatusZh))).Order(),
            listed.Order());
        Assert.Equal($"显示 {RepoCatalogue.Targets} / {RepoCatalogue.Targets} 项目标", await page.TextContentAsync("#shown"));
        Assert.True(await page.EvaluateAsync<bool>("() => document.fonts.check('16px \"WenQuanYi Zen Hei\"', '数字经济')"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "plan-page.png"), FullPage = true });

        // Filters: by status, then by department.
        await page.SelectOptionAsync("#filter-status", "at-risk");
        Assert.Equal(["INDUSTRIAL_ROBOTS_DEPLOYED"], await VisibleIndicatorsAsync(page));
        Assert.Equal($"显示 1 / {RepoCatalogue.Targets} 项目标", await page.TextContentAsync("#shown"));
        await page.SelectOptionAsync("#filter-status", "");
        await page.SelectOptionAsync("#filter-department", "区大数据管理局");
        Assert.Equal(
            plan.Indicators.Where(i => i.Departments.Contains("区大数据管理局")).SelectMany(i => i.Targets.Select(_ => i.Code)).Order(),
            (await VisibleIndicatorsAsync(page)).Order());
        await page.SelectOptionAsync("#filter-department", "");
        await page.CheckAsync("#filter-stale");
        Assert.Equal(
            plan.Indicators.Where(i => i.Freshness.Stale).SelectMany(i => i.Targets.Select(_ => i.Code)).Order(),
            (await VisibleIndicatorsAsync(page)).Order());
        await page.UncheckAsync("#filter-stale");

        // An indicator's chart: its series, the target and the projection.
        await page.ClickAsync("button.chart-btn[data-indicator='INDUSTRIAL_ROBOTS_DEPLOYED']");
        await page.WaitForSelectorAsync("#chart[data-indicator='INDUSTRIAL_ROBOTS_DEPLOYED'] canvas");
        Assert.Equal("推广应用工业机器人（INDUSTRIAL_ROBOTS_DEPLOYED）", await page.TextContentAsync("#detail-title"));
        var series = await page.EvaluateAsync<string[]>("() => window.planChart.getOption().series.map(s => s.name + ':' + s.data.length)");
        Assert.Equal(["实际值:3", "目标 2023:1", "预测 2023:2"], series);
        await page.Locator(".panel").ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "plan-chart.png") });
        await page.ClickAsync("#detail-close");
        Assert.True(await page.Locator("#detail").IsHiddenAsync());

        // The API reference renders from the service alone.
        await page.GotoAsync(host.BaseUrl + "/scalar/");
        await page.GetByText("The plan's indicators with targets and latest value").First.WaitForAsync();
        Assert.Empty(elsewhere);
    }

    private static async Task<string[]> VisibleIndicatorsAsync(IPage page) =>
        await page.Locator("tr.target-row:not([hidden])").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.indicator)");
}
