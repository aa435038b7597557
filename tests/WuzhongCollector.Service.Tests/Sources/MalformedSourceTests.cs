using WuzhongCollector.Service.Cli;

namespace WuzhongCollector.Service.Tests.Sources;

/// <summary>Acceptance 2: every kind of malformed file is reported with file and line, and the valid source keeps running.</summary>
public sealed class MalformedSourceTests : IDisposable
{
    private readonly TestConfig config = new();
    private readonly string secret = "UNSET_" + Guid.NewGuid().ToString("N").ToUpperInvariant();

    public MalformedSourceTests()
    {
        config.WriteFile("exports/robots.csv", Samples.RobotsCsv);
        config.WriteSource("good", Samples.RobotsSource);
        config.WriteSource("bad-yaml", "kind: csv\nschedule: { cron: \"0 2 * * *\"\nfile: x\n");
        config.WriteSource("unknown-field", Samples.RobotsSource + "\ncolour: red\n");
        config.WriteSource("unknown-indicator", Samples.RobotsSource.Replace("INDUSTRIAL_ROBOTS_DEPLOYED", "ROBOTS_TYPO", StringComparison.Ordinal));
        config.WriteSource("bad-cron", Samples.RobotsSource.Replace("0 2 * * *", "61 * * * *", StringComparison.Ordinal));
        config.WriteSource("missing-secret", Samples.Http($"https://data.example.cn/api?key={{secret:{secret}}}"));
    }

    public void Dispose() => config.Dispose();

    private string[] ExpectedErrors =>
    [
        "bad-cron.yaml:4: schedule.cron: '61 * * * *' is not a valid cron expression (5 fields, or 6 with seconds)",
        "bad-yaml.yaml:3: (yaml): the file ends inside an unclosed '{', '[' or quote",
        $"missing-secret.yaml:5: http.url: secret '{secret}' is not set: set the environment variable WUZHONG_SECRET_{secret}",
        "unknown-field.yaml:10: colour: unknown field (allowed: name, kind, schedule, paused, pausedReason, file, http, layout, mapping, freshness)",
        "unknown-indicator.yaml:7: mapping.indicator: unknown indicator code 'ROBOTS_TYPO' (see config/catalogue.yaml)",
    ];

    [Fact]
    public async Task Validate_MalformedFiles_ListsEveryErrorWithFileLineAndField_AndExitsOne()
    {
        var output = new StringWriter();

        var exit = await CliCommands.RunAsync(["validate"], output, CancellationToken.None, new Dictionary<string, string?> { ["Collector:ConfigDirectory"] = config.Directory });

        Assert.Equal(1, exit);
        Assert.Equal([.. ExpectedErrors, "5 error(s)"], output.ToString().TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task Start_MalformedFiles_AreReportedWithFileAndLine_AndTheValidSourceRuns()
    {
        var settings = Samples.Fast();
        settings["Collector:StartDespiteSourceErrors"] = "true";
        await using var host = await CollectorHost.StartAsync(config, settings: settings);

        await host.WaitForRecurringAsync(new Dictionary<string, string> { ["good"] = "0 2 * * *" });
        var errors = await Eventually.WaitAsync(() => host.Http.GetFromJsonAsync<List<HotReloadTests.ConfigErrorDto>>("/api/config/errors"), e => e!.Count > 0, "config errors");
        Assert.Equal(ExpectedErrors, errors!.Select(e => $"{e.File}:{e.Line}: {e.Field}: {e.Message}"));
        Assert.All(errors!, e => Assert.False(e.KeptPrevious));
        var jobId = host.Trigger("good");
        var (state, _) = await host.WaitForJobAsync(jobId, "Succeeded", "Failed");
        Assert.Equal("Succeeded", state);
        Assert.Equal(2, await host.ScalarAsync<long>("SELECT count(*) FROM observation WHERE source_id = 'good'"));
    }
}
