using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WuzhongCollector.Service.Reporting;

namespace WuzhongCollector.Service.Tests.Reporting;

public sealed class CompletenessTests : IDisposable
{
    private readonly TestConfig config = new();

    public void Dispose() => config.Dispose();

    [Fact]
    public async Task Completeness_OnTimeLateMissingOpen_InTheApi_TheMetrics_AndOnceADayToTheWebhook()
    {
        await using var robot = await LoopbackServer.StartAsync((_, context) => LoopbackServer.Json(context, """{"errcode":0,"errmsg":"ok"}"""));
        var logs = new CapturedLogs();
        var webhook = robot.BaseUrl + "/cgi-bin/webhook/send?key=robot-key-6c1f";
        await using var host = await ReportingFixture.StartAsync(config, settings: new()
        {
            ["Reporting:WebhookUrl"] = webhook,
            ["Reporting:ReminderLookbackDays"] = "120",
            ["Reporting:PublicUrl"] = "https://tongji.example.cn/",
            ["Logging:LogLevel:Default"] = "Information",
        }, configure: b => b.Logging.AddProvider(logs));
        using var kjj = new ReportClient(host, ReportingFixture.KjjUser);
        await SubmitAllAsync(kjj, "2023-Q2");   // due 2023-07-20: late
        await SubmitAllAsync(kjj, "2023-Q3");   // due 2023-10-20: on time

        // 区工信局 owes every collected indicator the catalogue makes it lead for, each quarter.
        var gxjIndicators = host.Services.GetRequiredService<WuzhongCollector.Core.Reporting.ReportingPlan>().IndicatorsOf(ReportingFixture.Gxj).Count;
        var q2 = await host.Http.GetFromJsonAsync<JsonElement>("/api/reporting?period=2023-Q2");
        var q3 = await host.Http.GetFromJsonAsync<JsonElement>("/api/reporting?period=2023-Q3");
        Assert.Equal(("late", "2023-10-10", 0), Obligation(q2, ReportingFixture.Kjj));
        Assert.Equal(("missing", null, gxjIndicators), Obligation(q2, ReportingFixture.Gxj));
        Assert.Equal(("on-time", "2023-10-10", 0), Obligation(q3, ReportingFixture.Kjj));
        Assert.Equal(("open", null, gxjIndicators), Obligation(q3, ReportingFixture.Gxj));
        var year = await host.Http.GetFromJsonAsync<JsonElement>("/api/reporting?period=2023&department=区科技局");
        Assert.Equal(["2023-Q1", "2023-Q2", "2023-Q3", "2023-Q4"], year.GetProperty("obligations").EnumerateArray().Select(o => o.GetProperty("period").GetString()));
        var bad = await host.Http.GetAsync("/api/reporting?period=2023-Q5");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.StartsWith("period: ", (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Overdue: 区科技局 owes 2021-Q1 … 2023-Q1 (9 quarters), 区工信局 2021-Q1 … 2023-Q2 (10).
        var metrics = await host.Http.GetStringAsync("/metrics");
        Assert.Contains("wuzhong_reporting_overdue_obligations{department=\"区科技局\"} 9", metrics, StringComparison.Ordinal);
        Assert.Contains("wuzhong_reporting_overdue_obligations{department=\"区工信局\"} 10", metrics, StringComparison.Ordinal);
        Assert.Contains($"wuzhong_reporting_overdue_indicators{{department=\"区工信局\"}} {10 * gxjIndicators}", metrics, StringComparison.Ordinal);

        // The reminder: one post a day, however often the job runs, naming what fell due within the lookback.
        var job = host.Services.GetRequiredService<ReportingReminderJob>();
        await job.RunAsync(CancellationToken.None);
        await job.RunAsync(CancellationToken.None);
        var post = Assert.Single(robot.Requests);
        Assert.Equal(("POST", "/cgi-bin/webhook/send?key=robot-key-6c1f"), (post.Method, post.PathAndQuery));
        var message = JsonSerializer.Deserialize<JsonElement>(post.Body);
        Assert.Equal("text", message.GetProperty("msgtype").GetString());
        var content = message.GetProperty("text").GetProperty("content").GetString()!;
        Assert.StartsWith("【吴中区数字经济指标报送提醒】截至 2023-10-10，以下报送已逾期：", content, StringComparison.Ordinal);
        Assert.Contains("· 区工信局 2023-Q2（截止 2023-07-20）尚缺：", content, StringComparison.Ordinal);
        Assert.DoesNotContain("区科技局", content, StringComparison.Ordinal);
        Assert.DoesNotContain("2023-Q1", content, StringComparison.Ordinal);
        Assert.EndsWith("请登录 https://tongji.example.cn/report 填报。", content, StringComparison.Ordinal);
        Assert.DoesNotContain("robot-key-6c1f", logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_FirstStart_ShowsADeliveredALateAndAMissingDepartment_AllSamples()
    {
        await using var host = await ReportingFixture.StartAsync(config, TimeProvider.System, settings: new() { ["Reporting:DemoSubmissions"] = "true" });
        var year = await host.Http.GetFromJsonAsync<JsonElement>("/api/reporting?period=2023");
        string Status(string department, string period) => year.GetProperty("obligations").EnumerateArray()
            .Single(o => o.GetProperty("department").GetString() == department && o.GetProperty("period").GetString() == period).GetProperty("status").GetString()!;
        Assert.Equal(("on-time", "late", "missing"), (Status("区科技局", "2023-Q4"), Status("区市场监管局", "2023"), Status("区发改委", "2023")));
        Assert.All(await host.QueryAsync<(bool, string)>("SELECT sample, submitted_by FROM report_submission"), s => Assert.Equal((true, ReportingDemo.SampleUser), s));
        Assert.Contains("示例数据", await host.ScalarAsync<string>("SELECT string_agg(origin, ' ') FROM run WHERE source_id LIKE 'report:%'"), StringComparison.Ordinal);

        // A restart stores no second set.
        await host.Services.GetServices<IHostedService>().OfType<ReportingDemo>().Single().StartAsync(CancellationToken.None);
        Assert.Equal(2, await host.ScalarAsync<long>("SELECT count(*) FROM report_submission"));
    }

    [Fact]
    public async Task Start_BadReportingFile_OrADepartmentUserWithoutItsDepartment_StopsStartUp()
    {
        config.WriteFile("reporting.yaml", "departments:\n  区工信局: { cadence: weekly }\n");
        var error = await Assert.ThrowsAsync<WuzhongCollector.Service.Sources.ConfigurationException>(() => CollectorHost.StartAsync(config));
        Assert.Equal("reporting.yaml:2: departments.区工信局.cadence: 'weekly' must be yearly, quarterly or monthly", Assert.Single(error.Errors).ToString());

        File.Delete(Path.Combine(config.Directory, "reporting.yaml"));
        var users = ReportingFixture.Users();
        users.Remove("Security:Users:0:Department");
        var options = await Assert.ThrowsAnyAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => CollectorHost.StartAsync(config, settings: users));
        Assert.Contains("Security:Users 'kjj-zhang': needs a Name, a PasswordHash from 'hash-password' and Role admin, read-only, or department with its Department", options.Message, StringComparison.Ordinal);
    }

    private static async Task SubmitAllAsync(ReportClient client, string period)
    {
        var fields = new Dictionary<string, string>();
        foreach (var code in new[] { "DE_HIGH_TECH_ENTERPRISES", "UNICORN_CULTIVATION_ENTERPRISES", "RESEARCH_INSTITUTIONS_NEW" })
        {
            fields["value:" + code] = "5";
            fields["status:" + code] = "快报";
        }

        var (_, check) = await client.UploadAsync(ReportingFixture.Kjj, period, fields: fields);
        var (status, _) = await client.UploadAsync(ReportingFixture.Kjj, period, fields: fields, confirm: check.GetProperty("sha256").GetString());
        Assert.Equal(HttpStatusCode.OK, status);
    }

    private static (string?, string?, int) Obligation(JsonElement answer, string department)
    {
        var o = answer.GetProperty("obligations").EnumerateArray().Single(x => x.GetProperty("department").GetString() == department);
        return (o.GetProperty("status").GetString(), o.GetProperty("completedOn").GetString(), o.GetProperty("missing").GetArrayLength());
    }
}
