using System.Net;
using System.Text.Json;
using WuzhongCollector.Service.Cli;

namespace WuzhongCollector.Service.Tests;

/// <summary>
/// Acceptance 1, scripted from the admin guide (config/README.md) alone: take its example source file, validate it, preview it,
/// drop it into the running service's config/sources, check it,
/// see it scheduled without a restart, pause it from the CLI and resume it through the API.
/// </summary>
public sealed class AdminPathTests : IDisposable
{
    private readonly TestConfig config = new();

    public void Dispose() => config.Dispose();

    [Fact]
    public async Task AdminGuideExample_ValidatedChecked_ScheduledWithoutRestart_PausedAndResumed()
    {
        var guide = await File.ReadAllTextAsync(Path.Combine(TestConfig.RepoRoot(), "config", "README.md"));
        var section = guide[guide.IndexOf("## A source file", StringComparison.Ordinal)..];
        var start = section.IndexOf("```yaml\n", StringComparison.Ordinal) + "```yaml\n".Length;
        var example = section[start..section.IndexOf("```", start, StringComparison.Ordinal)];
        File.Copy(Path.Combine(TestConfig.RepoRoot(), "config", "samples", "gxj-digital-economy-2021-2023.csv"),
            config.WriteFile("samples/gxj-digital-economy-2021-2023.csv", string.Empty), overwrite: true);
        var draft = config.WriteFile("drafts/gxj-monthly.yaml", example);
        var settings = new Dictionary<string, string?> { ["Collector:ConfigDirectory"] = config.Directory };
        await using var host = await CollectorHost.StartAsync(config, settings: Credentials.Settings());
        settings["ConnectionStrings:Collector"] = host.ConnectionString;

        // 1. validate the draft, 2. preview it where it is, 3. check it once it is in sources/.
        var validate = new StringWriter();
        Assert.Equal(0, await CliCommands.RunAsync(["validate", draft], validate, CancellationToken.None, settings));
        Assert.StartsWith($"OK: {RepoCatalogue.Indicators} indicators, 1 source(s)", validate.ToString(), StringComparison.Ordinal);
        // The guide's example maps one indicator of the sample export, so preview shows the other rows as rejects.
        const string Summary = "gxj-monthly: 14 record(s) in samples/gxj-digital-economy-2021-2023.csv: 4 observation(s) would be stored, 10 reject(s), 0 missing or below unit; a run would end as partial; nothing was written\n";
        var preview = new StringWriter();
        Assert.Equal(1, await CliCommands.RunAsync(["preview", draft], preview, CancellationToken.None, settings));
        Assert.Contains("REJECT  error      indicator samples/gxj-digital-economy-2021-2023.csv row 6 column '指标名称': no indicator code for '电子信息产业规模'", preview.ToString(), StringComparison.Ordinal);
        Assert.EndsWith(Summary, preview.ToString(), StringComparison.Ordinal);
        File.Move(draft, Path.Combine(config.Sources, "gxj-monthly.yaml"));
        var check = new StringWriter();
        Assert.Equal(1, await CliCommands.RunAsync(["check", "gxj-monthly"], check, CancellationToken.None, settings));
        Assert.EndsWith(Summary, check.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, await host.ScalarAsync<long>("SELECT count(*) FROM observation"));

        // 4. scheduled by the running service, no restart.
        await host.WaitForRecurringAsync(new Dictionary<string, string> { ["gxj-monthly"] = "0 2 * * *" });

        var listed = (await host.Http.GetFromJsonAsync<JsonElement>("/api/sources"))[0];
        Assert.Equal(("gxj-monthly", "区工信局 数字经济月报导出", false), (listed.GetProperty("id").GetString(), listed.GetProperty("name").GetString(), listed.GetProperty("paused").GetBoolean()));

        // 5. pause from the CLI: stays visible, with reason and time, never due.
        Assert.Equal(0, await CliCommands.RunAsync(["pause", "gxj-monthly", "--reason", "等待区工信局确认口径"], new StringWriter(), CancellationToken.None, settings));
        Assert.Equal(new Dictionary<string, string> { ["gxj-monthly"] = HostHangfire.Never }, host.RecurringCrons());
        listed = (await host.Http.GetFromJsonAsync<JsonElement>("/api/sources"))[0];
        Assert.Equal((true, "等待区工信局确认口径"), (listed.GetProperty("paused").GetBoolean(), listed.GetProperty("pausedReason").GetString()));
        Assert.Contains("gxj-monthly", await host.Http.GetStringAsync("/hangfire/recurring"), StringComparison.Ordinal);

        // 6. resume through the API with an admin token.
        using var resume = new HttpRequestMessage(HttpMethod.Post, "/api/sources/gxj-monthly/resume");
        resume.Headers.Authorization = Credentials.Bearer(Credentials.AdminToken);
        using var resumed = await host.Http.SendAsync(resume);
        Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        Assert.Equal(new Dictionary<string, string> { ["gxj-monthly"] = "0 2 * * *" }, host.RecurringCrons());
        Assert.Equal("Succeeded", (await host.WaitForJobAsync(host.Trigger("gxj-monthly"), "Succeeded", "Failed")).State);
    }
}
