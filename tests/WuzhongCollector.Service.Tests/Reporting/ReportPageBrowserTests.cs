using Microsoft.Playwright;

namespace WuzhongCollector.Service.Tests.Reporting;

public sealed class ReportPageBrowserTests : IDisposable
{
    private const string Q3 = "2023-Q3";
    private readonly TestConfig config = new();

    public void Dispose() => config.Dispose();

    [ChromiumFact]
    public async Task DepartmentUser_DownloadsFillsAndUploadsTheTemplate_SeesTheRejectAndTheFigures_Confirms_AndCompletenessChanges()
    {
        await using var host = await ReportingFixture.StartAsync(config);
        await using var browser = await ChromiumSession.LaunchAsync();
        var page = await LoginAsync(browser, host, ReportingFixture.KjjUser);
        Assert.Equal([ReportingFixture.Kjj], await page.Locator("#department option").AllTextContentsAsync());
        await page.SelectOptionAsync("#period", Q3);
        var row = page.Locator($"#completeness tr[data-period='{Q3}']");
        Assert.Equal("open", await row.GetAttributeAsync("data-status"));
        Assert.Equal("DE_HIGH_TECH_ENTERPRISES,UNICORN_CULTIVATION_ENTERPRISES,RESEARCH_INSTITUTIONS_NEW", await row.GetAttributeAsync("data-missing"));

        // Download the template, fill it as a department would (one figure is text), upload it.
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#template"));
        var path = Path.Combine(config.Directory, "filled.xlsx");
        await download.SaveAsAsync(path);
        ReportingFixture.Fill(path, (_, cell) =>
        {
            cell("DE_HIGH_TECH_ENTERPRISES", "本期数值").SetValue(286);
            cell("DE_HIGH_TECH_ENTERPRISES", "数据状态").SetValue<string>("快报");
            cell("UNICORN_CULTIVATION_ENTERPRISES", "本期数值").SetValue<string>("约3家");
            cell("UNICORN_CULTIVATION_ENTERPRISES", "数据状态").SetValue<string>("快报");
            cell("RESEARCH_INSTITUTIONS_NEW", "本期数值").SetValue(7);
            cell("RESEARCH_INSTITUTIONS_NEW", "数据状态").SetValue<string>("公报");
        });
        await page.SetInputFilesAsync("#file", path);
        await page.ClickAsync("#check-file");
        await page.WaitForSelectorAsync("body[data-checked='checked']");
        Assert.Equal(["DE_HIGH_TECH_ENTERPRISES:new", "UNICORN_CULTIVATION_ENTERPRISES:rejected", "RESEARCH_INSTITUTIONS_NEW:new"],
            await page.Locator("#lines tr.line").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.indicator + ':' + r.dataset.change)"));
        Assert.StartsWith("本期数值不是数字：'约3家'", await page.Locator("#lines tr[data-change='rejected'] td.reason").TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal(["286 · 快报", "7 · 公报"], await page.Locator("#lines tr[data-change='new'] td.value").AllTextContentsAsync());
        Assert.Equal(0, await host.ScalarAsync<long>("SELECT count(*) FROM observation"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "report-check.png"), FullPage = true });

        // Confirm: stored, and the completeness table now misses only the rejected indicator.
        await page.ClickAsync("#confirm");
        await page.WaitForSelectorAsync("#stored:not(:empty)");
        await page.WaitForSelectorAsync($"#completeness tr[data-period='{Q3}'][data-missing='UNICORN_CULTIVATION_ENTERPRISES']");
        Assert.Equal(2, await host.ScalarAsync<long>("SELECT count(*) FROM observation WHERE source_id = 'report:区科技局' AND period = '2023-Q3'"));
        Assert.Equal(ReportingFixture.KjjUser, await host.ScalarAsync<string>("SELECT submitted_by FROM report_submission"));

        // The rest by the web form: the period is now complete, on time.
        await page.ClickAsync("#typed summary");
        await page.FillAsync("input[name='value:UNICORN_CULTIVATION_ENTERPRISES']", "3");
        await page.SelectOptionAsync("select[name='status:UNICORN_CULTIVATION_ENTERPRISES']", "快报");
        await page.ClickAsync("#check-form");
        await page.WaitForSelectorAsync("#lines tr[data-indicator='UNICORN_CULTIVATION_ENTERPRISES'][data-change='new']");
        await page.ClickAsync("#confirm");
        await page.WaitForSelectorAsync($"#completeness tr[data-period='{Q3}'][data-status='on-time']");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "report-stored.png"), FullPage = true });
    }

    [ChromiumFact]
    public async Task DepartmentUser_IsRefusedAnotherDepartmentsIndicators_AndBadFilesGetAMessageOnThePage()
    {
        await using var host = await ReportingFixture.StartAsync(config);
        await using var browser = await ChromiumSession.LaunchAsync();
        var page = await LoginAsync(browser, host, ReportingFixture.KjjUser);
        await page.SelectOptionAsync("#period", Q3);

        // Another department's template and upload: refused, with the reason.
        var template = await page.APIRequest.GetAsync($"{host.BaseUrl}/report/{ReportingFixture.Gxj}/template?period={Q3}");
        Assert.Equal(403, template.Status);
        Assert.Contains("只能查看和报送本单位（区科技局）的指标", await template.TextAsync(), StringComparison.Ordinal);

        // Its own template with another department's indicator written into a locked cell: that row is refused.
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#template"));
        var path = Path.Combine(config.Directory, "tampered.xlsx");
        await download.SaveAsAsync(path);
        ReportingFixture.Fill(path, (sheet, cell) =>
        {
            var smart = cell("RESEARCH_INSTITUTIONS_NEW", "指标代码");
            smart.SetValue<string>("DEMO_SMART_WORKSHOPS");
            sheet.Cell(smart.Address.RowNumber, 8).SetValue(40);
            sheet.Cell(smart.Address.RowNumber, 9).SetValue<string>("快报");
            cell("DE_HIGH_TECH_ENTERPRISES", "本期数值").SetValue(290);
            cell("DE_HIGH_TECH_ENTERPRISES", "数据状态").SetValue<string>("快报");
        });
        await page.SetInputFilesAsync("#file", path);
        await page.ClickAsync("#check-file");
        await page.WaitForSelectorAsync("body[data-checked='checked']");
        Assert.Equal("指标 DEMO_SMART_WORKSHOPS 不在区科技局 2023-Q3 的填报范围内：只能报送本单位负责的指标",
            await page.Locator("#lines tr[data-indicator='DEMO_SMART_WORKSHOPS'][data-change='rejected'] td.reason").TextContentAsync());

        // A formula, and a 50 MB file (stopped by the page before it is sent): a message, nothing stored.
        ReportingFixture.Fill(path, (_, cell) => cell("DE_HIGH_TECH_ENTERPRISES", "本期数值").FormulaA1 = "=280+10");
        await page.SetInputFilesAsync("#file", path);
        await page.ClickAsync("#check-file");
        await page.WaitForSelectorAsync("body[data-checked='error']");
        Assert.Contains("含有公式（单元格 H4）", await page.TextContentAsync("#error"), StringComparison.Ordinal);

        // Another period's template, a file that is no template, a zip bomb: each refused as a whole, with the reason.
        var q2 = await page.APIRequest.GetAsync($"{host.BaseUrl}/report/{ReportingFixture.Kjj}/template?period=2023-Q2");
        var refused = new (string Name, byte[] File, string Message)[]
        {
            ("q2.xlsx", await q2.BodyAsync(), "这是另一份模板（吴中区数字经济指标填报表（区科技局，2023-Q2））"),
            ("list.xlsx", ReportingFixture.Workbook(sheet => sheet.Cell(1, 1).SetValue<string>("指标名称")), "无法读取“list.xlsx”（是下载的填报模板吗？）"),
            ("bomb.xlsx", ReportingFixture.ZipBomb(), "zip bomb"),
        };
        foreach (var (name, bytes, message) in refused)
        {
            await page.EvaluateAsync("() => { document.body.dataset.checked = ''; }");
            await page.SetInputFilesAsync("#file", new FilePayload { Name = name, MimeType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Buffer = bytes });
            await page.ClickAsync("#check-file");
            await page.WaitForSelectorAsync("body[data-checked='error']");
            Assert.Contains(message, await page.TextContentAsync("#error"), StringComparison.Ordinal);
            Assert.Equal("未保存任何数据。", await page.TextContentAsync("#summary"));
        }

        await page.EvaluateAsync("() => { document.body.dataset.checked = ''; }");
        // By path, so the browser reads it from disk instead of Playwright sending 50 MB over its pipe.
        var huge = Path.Combine(config.Directory, "huge.xlsx");
        await using (var file = File.Create(huge))
        {
            file.SetLength(50 * 1024 * 1024);
        }

        await page.SetInputFilesAsync("#file", huge);
        await page.ClickAsync("#check-file");
        await page.WaitForSelectorAsync("body[data-checked='error']");
        Assert.Equal("文件过大：50.0 MB，上限为 5 MB。请上传下载的填报模板", await page.TextContentAsync("#error"));
        Assert.Equal(0, await host.ScalarAsync<long>("SELECT (SELECT count(*) FROM run) + (SELECT count(*) FROM observation) + (SELECT count(*) FROM report_submission)"));
    }

    private static async Task<IPage> LoginAsync(ChromiumSession session, CollectorHost host, string user)
    {
        var context = await session.Browser.NewContextAsync(new BrowserNewContextOptions { AcceptDownloads = true, Locale = "zh-CN", ViewportSize = new ViewportSize { Width = 1300, Height = 1000 } });
        var page = await context.NewPageAsync();
        // Generous: the first template a process writes loads ClosedXML, slow on a busy shared machine.
        page.SetDefaultTimeout(90_000);
        await page.GotoAsync(host.BaseUrl + "/report");
        Assert.EndsWith("/report/login", page.Url, StringComparison.Ordinal);
        await page.FillAsync("#user", user);
        await page.FillAsync("#password", ReportingFixture.Password);
        await page.ClickAsync("#login");
        await page.WaitForSelectorAsync("body[data-ready='true']");
        return page;
    }
}
