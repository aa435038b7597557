using System.Net;
using System.Text.Json;
using ClosedXML.Excel;
using WuzhongCollector.Core.Reporting;

namespace WuzhongCollector.Service.Tests.Reporting;

public sealed class ReportUploadTests : IDisposable
{
    private const string Q3 = "2023-Q3";
    private readonly TestConfig config = new();

    public void Dispose() => config.Dispose();

    [Fact]
    public async Task Template_FilledWithTheLastAcceptedFigures_IsUnchanged_AndACorrectionIsANewVintage()
    {
        await using var host = await ReportingFixture.StartAsync(config);
        using var client = new ReportClient(host, ReportingFixture.KjjUser);
        var typed = new Dictionary<string, string>
        {
            ["value:DE_HIGH_TECH_ENTERPRISES"] = "280", ["status:DE_HIGH_TECH_ENTERPRISES"] = "快报",
            ["value:UNICORN_CULTIVATION_ENTERPRISES"] = "3", ["status:UNICORN_CULTIVATION_ENTERPRISES"] = "快报",
            ["value:RESEARCH_INSTITUTIONS_NEW"] = "6", ["status:RESEARCH_INSTITUTIONS_NEW"] = "公报",
        };

        // The web form: checked first (nothing stored), then confirmed.
        var (status, check) = await client.UploadAsync(ReportingFixture.Kjj, Q3, fields: typed);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3, check.GetProperty("counts").GetProperty("new").GetInt32());
        Assert.Equal(0, await host.ScalarAsync<long>("SELECT count(*) FROM observation"));
        var (_, first) = await client.UploadAsync(ReportingFixture.Kjj, Q3, fields: typed, confirm: check.GetProperty("sha256").GetString());
        Assert.Equal(("succeeded", 3), (first.GetProperty("stored").GetProperty("outcome").GetString(), first.GetProperty("stored").GetProperty("stored").GetInt32()));

        // The template shows the accepted figures; filled with them, it changes nothing.
        var path = Path.Combine(config.Directory, "q3.xlsx");
        await File.WriteAllBytesAsync(path, await client.TemplateAsync(ReportingFixture.Kjj, Q3));
        ReportingFixture.Fill(path, (sheet, cell) =>
        {
            // One row per indicator due, with unit and target; protected but for value, status and remark; a status drop-down.
            Assert.Equal(["DE_HIGH_TECH_ENTERPRISES", "UNICORN_CULTIVATION_ENTERPRISES", "RESEARCH_INSTITUTIONS_NEW"],
                sheet.RowsUsed().Where(r => r.RowNumber() > ReportTemplate.HeaderRow).Select(r => r.Cell(1).GetString()));
            Assert.Equal(("家", Q3), (cell("DE_HIGH_TECH_ENTERPRISES", ReportTemplate.Unit).GetString(), cell("DE_HIGH_TECH_ENTERPRISES", ReportTemplate.PeriodColumn).GetString()));
            Assert.StartsWith("≥ ", cell("DE_HIGH_TECH_ENTERPRISES", ReportTemplate.Target).GetString(), StringComparison.Ordinal);
            Assert.True(sheet.IsProtected);
            Assert.Equal((true, true, false, false, false), (sheet.Cell(ReportTemplate.HeaderRow, 8).Style.Protection.Locked,
                cell("DE_HIGH_TECH_ENTERPRISES", ReportTemplate.LastValue).Style.Protection.Locked, cell("DE_HIGH_TECH_ENTERPRISES", ReportTemplate.Value).Style.Protection.Locked,
                cell("DE_HIGH_TECH_ENTERPRISES", ReportTemplate.Status).Style.Protection.Locked, cell("DE_HIGH_TECH_ENTERPRISES", ReportTemplate.Remark).Style.Protection.Locked));
            var dropDown = Assert.Single(sheet.DataValidations);
            Assert.Equal((XLAllowedValues.List, "\"公报,快报,预计\""), (dropDown.AllowedValues, dropDown.Value));
            Assert.True(dropDown.Ranges.Single().Contains(cell("RESEARCH_INSTITUTIONS_NEW", ReportTemplate.Status).AsRange()));

            foreach (var code in new[] { "DE_HIGH_TECH_ENTERPRISES", "UNICORN_CULTIVATION_ENTERPRISES", "RESEARCH_INSTITUTIONS_NEW" })
            {
                Assert.StartsWith(Q3 + " · ", cell(code, ReportTemplate.LastNote).GetString(), StringComparison.Ordinal);
                cell(code, ReportTemplate.Value).SetValue(cell(code, ReportTemplate.LastValue).GetDouble());
                cell(code, ReportTemplate.Status).SetValue<string>(cell(code, ReportTemplate.LastNote).GetString().Split(" · ")[1]);
            }
        });
        var (_, same) = await client.UploadAsync(ReportingFixture.Kjj, Q3, await File.ReadAllBytesAsync(path), fileName: "q3.xlsx");
        Assert.Equal((0, 0, 3, 0), Counts(same));
        var (_, unchanged) = await client.UploadAsync(ReportingFixture.Kjj, Q3, await File.ReadAllBytesAsync(path), confirm: same.GetProperty("sha256").GetString());
        Assert.Equal(("unchanged", 0), (unchanged.GetProperty("stored").GetProperty("outcome").GetString(), unchanged.GetProperty("stored").GetProperty("stored").GetInt32()));

        // A correction is a new vintage beside the old one, never an overwrite.
        ReportingFixture.Fill(path, (_, cell) => cell("DE_HIGH_TECH_ENTERPRISES", ReportTemplate.Value).SetValue(285));
        var corrected = await File.ReadAllBytesAsync(path);
        var (_, revised) = await client.UploadAsync(ReportingFixture.Kjj, Q3, corrected);
        Assert.Equal((0, 1, 2, 0), Counts(revised));
        await client.UploadAsync(ReportingFixture.Kjj, Q3, corrected, confirm: revised.GetProperty("sha256").GetString());

        Assert.Equal([(1, 280m), (2, 285m)], await host.QueryAsync<(int, decimal)>(
            "SELECT vintage, value FROM observation WHERE indicator_code = 'DE_HIGH_TECH_ENTERPRISES' AND period = '2023-Q3' ORDER BY vintage"));
        var submissions = (await host.QueryAsync<(string Source, string Outcome, string User, string Sha, bool Archived)>("""
            SELECT r.source_id, r.outcome, s.submitted_by, s.payload_sha256, EXISTS (SELECT FROM payload p WHERE p.sha256 = s.payload_sha256 AND p.source_id = r.source_id)
            FROM report_submission s JOIN run r ON r.id = s.run_id ORDER BY s.run_id
            """)).ToList();
        Assert.Equal(["succeeded", "unchanged", "succeeded"], submissions.Select(s => s.Outcome));
        Assert.All(submissions, s => Assert.Equal(("report:区科技局", ReportingFixture.KjjUser, true), (s.Source, s.User, s.Archived)));
        Assert.Equal(3, submissions.Select(s => s.Sha).Distinct().Count());
    }

    [Fact]
    public async Task BadUploads_AreRefusedWithAClearMessage_AndStoreNothing()
    {
        await using var host = await ReportingFixture.StartAsync(config);
        using var client = new ReportClient(host, ReportingFixture.KjjUser);
        var q3 = await client.TemplateAsync(ReportingFixture.Kjj, Q3);
        var q2 = await client.TemplateAsync(ReportingFixture.Kjj, "2023-Q2");

        var refusals = new List<(string Case, HttpStatusCode Status, string Detail)>();
        async Task Refused(string name, byte[] file)
        {
            var (status, body) = await client.UploadAsync(ReportingFixture.Kjj, Q3, file, fileName: name + ".xlsx");
            refusals.Add((name, status, body.ValueKind == JsonValueKind.Object ? body.GetProperty("detail").GetString()! : ""));
        }

        await Refused("wrong-template", ReportingFixture.Workbook(sheet => sheet.Cell(1, 1).SetValue<string>("指标名称")));
        await Refused("another-period", q2);
        await Refused("formula", Filled(q3, (sheet, cell) =>
        {
            cell("DE_HIGH_TECH_ENTERPRISES", ReportTemplate.Value).FormulaA1 = "=200+80";
            cell("DE_HIGH_TECH_ENTERPRISES", ReportTemplate.Status).SetValue<string>("快报");
        }));
        await Refused("zip-bomb", ReportingFixture.ZipBomb());
        await Refused("csv", "指标代码,本期数值\nX,1\n"u8.ToArray());

        Assert.Equal(HttpStatusCode.BadRequest, refusals[0].Status);
        Assert.Contains("填报模板", refusals[0].Detail, StringComparison.Ordinal);
        Assert.Contains("这是另一份模板（吴中区数字经济指标填报表（区科技局，2023-Q2））", refusals[1].Detail, StringComparison.Ordinal);
        Assert.Contains("含有公式（单元格 H4）", refusals[2].Detail, StringComparison.Ordinal);
        Assert.Contains("zip bomb", refusals[3].Detail, StringComparison.Ordinal);
        Assert.Contains("不是 .xlsx 工作簿", refusals[4].Detail, StringComparison.Ordinal);
        Assert.All(refusals, r => Assert.Equal(HttpStatusCode.BadRequest, r.Status));

        // Text in a number cell: that row is rejected with the reason, and with nothing else filled there is nothing to store.
        var text = Filled(q3, (_, cell) =>
        {
            cell("UNICORN_CULTIVATION_ENTERPRISES", ReportTemplate.Value).SetValue<string>("约3家");
            cell("UNICORN_CULTIVATION_ENTERPRISES", ReportTemplate.Status).SetValue<string>("快报");
        });
        var (checkStatus, check) = await client.UploadAsync(ReportingFixture.Kjj, Q3, text);
        Assert.Equal(HttpStatusCode.OK, checkStatus);
        var rejected = check.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("change").GetString() == "rejected");
        Assert.StartsWith("本期数值不是数字：'约3家'", rejected.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var (confirmStatus, confirm) = await client.UploadAsync(ReportingFixture.Kjj, Q3, text, confirm: check.GetProperty("sha256").GetString());
        Assert.Equal((HttpStatusCode.BadRequest, "没有可保存的数值：请至少填写一项并选择数据状态"), (confirmStatus, confirm.GetProperty("detail").GetString()));

        // 50 MB: refused before it is read.
        var huge = new byte[50 * 1024 * 1024];
        huge[0] = (byte)'P';
        huge[1] = (byte)'K';
        HttpStatusCode hugeStatus;
        try
        {
            (hugeStatus, _) = await client.UploadAsync(ReportingFixture.Kjj, Q3, huge);
        }
        catch (HttpRequestException)
        {
            // The server may answer 413 and close before the client has sent everything.
            hugeStatus = HttpStatusCode.RequestEntityTooLarge;
        }

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, hugeStatus);
        Assert.Equal(0, await host.ScalarAsync<long>("SELECT (SELECT count(*) FROM run) + (SELECT count(*) FROM observation) + (SELECT count(*) FROM report_submission) + (SELECT count(*) FROM payload) + (SELECT count(*) FROM reject)"));
    }

    [Fact]
    public async Task Reporting_NeedsAUserOfTheDepartment_AndAFormToken()
    {
        // Requests forwarded by 127.0.0.1 count as remote, so the dashboard asks who is calling.
        await using var host = await ReportingFixture.StartAsync(config, settings: new() { ["Security:TrustedProxies:0"] = "127.0.0.1" });
        using var kjj = new ReportClient(host, ReportingFixture.KjjUser);
        using var wrongPassword = new ReportClient(host, ReportingFixture.KjjUser, "wrong");

        Assert.Equal(HttpStatusCode.Forbidden, (await kjj.GetAsync($"/report/{ReportingFixture.Gxj}/template?period={Q3}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrongPassword.GetAsync($"/report/{ReportingFixture.Kjj}/template?period={Q3}")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await kjj.GetAsync($"/report/{ReportingFixture.Kjj}/template?period=2023-13")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await kjj.GetAsync($"/report/{ReportingFixture.Kjj}/template?period=2025-Q1")).StatusCode);
        var me = await kjj.MeAsync();
        Assert.Equal([ReportingFixture.Kjj], me.GetProperty("departments").EnumerateArray().Select(d => d.GetString()));

        // A post without the antiforgery token is refused, whoever sends it.
        using var bare = new HttpClient { BaseAddress = new Uri(host.BaseUrl) };
        bare.DefaultRequestHeaders.Authorization = Credentials.Basic(ReportingFixture.KjjUser, ReportingFixture.Password);
        using var form = new MultipartFormDataContent { { new StringContent(Q3), "period" }, { new StringContent("1"), "value:DE_HIGH_TECH_ENTERPRISES" } };
        Assert.Equal(HttpStatusCode.BadRequest, (await bare.PostAsync($"/report/{ReportingFixture.Kjj}/upload", form)).StatusCode);

        // A department's user is no dashboard user.
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Http.SendAsync(Credentials.Remote(HttpMethod.Get, "/hangfire",
            Credentials.Basic(ReportingFixture.KjjUser, ReportingFixture.Password)))).StatusCode);
    }

    private static (int New, int Revised, int Unchanged, int Rejected) Counts(JsonElement result)
    {
        var c = result.GetProperty("counts");
        return (c.GetProperty("new").GetInt32(), c.GetProperty("revised").GetInt32(), c.GetProperty("unchanged").GetInt32(), c.GetProperty("rejected").GetInt32());
    }

    private byte[] Filled(byte[] template, Action<IXLWorksheet, Func<string, string, IXLCell>> fill)
    {
        var path = Path.Combine(config.Directory, Guid.NewGuid().ToString("N") + ".xlsx");
        File.WriteAllBytes(path, template);
        ReportingFixture.Fill(path, fill);
        return File.ReadAllBytes(path);
    }
}
