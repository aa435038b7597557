using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using WuzhongCollector.Service.Cli;
using WuzhongCollector.Service.Security;

namespace WuzhongCollector.Service.Tests.Cli;

public sealed class CliVerbTests : IDisposable
{
    private readonly TestConfig config = new();

    public CliVerbTests()
    {
        config.WriteFile("exports/robots.csv", Samples.RobotsCsv);
        config.WriteSource("robots", Samples.RobotsSource);
    }

    public void Dispose() => config.Dispose();

    [Fact]
    public async Task Validate_RepositoryConfig_IsValid()
    {
        var (exit, lines) = await RunAsync(["validate"], new() { ["Collector:ConfigDirectory"] = Path.Combine(TestConfig.RepoRoot(), "config") });

        Assert.Equal(0, exit);
        var sources = Directory.GetFiles(Path.Combine(TestConfig.RepoRoot(), "config", "sources"), "*.yaml").Length;
        Assert.Equal([$"OK: {RepoCatalogue.Indicators} indicators, {sources} source(s) in {Path.Combine(TestConfig.RepoRoot(), "config")}"], lines);
    }

    [Fact]
    public async Task Check_CsvSource_ShowsTheHeaderTheRejectsAndTheOutcome_WithoutADatabase()
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Samples.RobotsCsv)))[..12];

        var (exit, lines) = await RunAsync(["check", "robots"], Settings());

        Assert.Equal(1, exit);
        Assert.Equal(
            [
                "fetch   file exports/robots.csv",
                $"payload exports/robots.csv: {Encoding.UTF8.GetByteCount(Samples.RobotsCsv)} bytes, sha256 {sha}, 0 call(s)",
                "columns 期别, 数值",
                "REJECT  error      value     exports/robots.csv row 4 column '数值': '六百' is not a number",
                "robots: 3 record(s) in exports/robots.csv: 2 observation(s) would be stored, 1 reject(s), 0 missing or below unit; a run would end as partial; nothing was written",
            ],
            lines);
    }

    [Fact]
    public async Task Check_MappedColumnMissing_FailsWithEveryRecordRejectedNamingTheField()
    {
        config.WriteFile("exports/robots.csv", "时期,数值\n2021年,310\n2022年,655\n");

        var (exit, lines) = await RunAsync(["check", "robots"], Settings());

        Assert.Equal(1, exit);
        Assert.Equal(
            [
                "columns 时期, 数值",
                "REJECT  error      period    exports/robots.csv row 2: the record has no field '期别'",
                "REJECT  error      period    exports/robots.csv row 3: the record has no field '期别'",
                "robots: 2 record(s) in exports/robots.csv: 0 observation(s) would be stored, 2 reject(s), 0 missing or below unit; a run would end as partial; nothing was written",
            ],
            lines[2..]);
    }

    [Fact]
    public async Task Check_HttpAuthRefused_FailsWithTheReason()
    {
        await using var server = await LoopbackServer.StartAsync((_, context) => LoopbackServer.Json(context, "{}", 401));
        config.WriteSource("portal", Samples.Http(server.BaseUrl + "/api/data"));

        var (exit, lines) = await RunAsync(["check", "portal"], Settings());

        Assert.Equal(1, exit);
        Assert.Equal(
            [
                $"fetch   GET {server.BaseUrl}/api/data",
                "FAILED  portal: HTTP 401: authentication or permission refused (a run would end failed-permanent, auth)",
            ],
            lines);
        Assert.Equal(1, server.Calls);
    }

    [Fact]
    public async Task CheckAndRun_SdmxNoResults_BothSayEmpty()
    {
        await using var server = await LoopbackServer.StartAsync((_, context) => LoopbackServer.Json(context, "NoResultsFound", 404));
        config.WriteSource("retail", $$"""
            kind: sdmx-json
            schedule: { cron: "0 3 * * *" }
            http: { url: "{{server.BaseUrl}}/rest/data/DF/all" }
            mapping: { indicator: { const: ONLINE_RETAIL_SALES }, period: TIME_PERIOD, value: value }
            """);
        var settings = Settings();
        settings["ConnectionStrings:Collector"] = await TestServer.CreateDatabaseAsync("cli");

        var (checkExit, check) = await RunAsync(["check", "retail"], settings);
        var (runExit, run) = await RunAsync(["run", "retail"], settings);

        Assert.Equal((0, 0), (checkExit, runExit));
        Assert.Equal($"retail: 0 record(s) in {server.BaseUrl}/rest/data/DF/all: 0 observation(s) would be stored, 0 reject(s), 0 missing or below unit; a run would end as empty; nothing was written", check[^1]);
        Assert.Contains("fetch   HTTP 404: no results (SDMX answers an empty result so)", check);
        Assert.StartsWith("run 1 empty: ", Assert.Single(run), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_CollectsOnceOutsideTheSchedule_AndPrintsTheSummary()
    {
        var settings = Settings();
        settings["ConnectionStrings:Collector"] = await TestServer.CreateDatabaseAsync("cli");

        var (exit, lines) = await RunAsync(["run", "robots"], settings);

        Assert.Equal(0, exit);
        Assert.Equal(["run 1 partial: file exports/robots.csv; read 3 rows: 2 stored, 0 unchanged, 1 rejected, 0 missing, 0 skipped | no retries"], lines);
        await using var connection = new NpgsqlConnection(settings["ConnectionStrings:Collector"]);
        Assert.Equal(2, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM observation"));
    }

    [Fact]
    public async Task PauseAndResume_FromTheCli_ChangeTheRunningServicesSchedule()
    {
        await using var host = await CollectorHost.StartAsync(config);
        await host.WaitForRecurringAsync(new Dictionary<string, string> { ["robots"] = "0 2 * * *" });
        var settings = Settings();
        settings["ConnectionStrings:Collector"] = host.ConnectionString;

        var (pauseExit, paused) = await RunAsync(["pause", "robots", "--reason", "模板变更"], settings);

        Assert.Equal(0, pauseExit);
        Assert.Matches(@"^robots paused since \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ by cli: 模板变更$", Assert.Single(paused));
        Assert.Equal(new Dictionary<string, string> { ["robots"] = HostHangfire.Never }, host.RecurringCrons());
        var listed = (await host.Http.GetFromJsonAsync<JsonElement>("/api/sources"))[0];
        Assert.Equal(("模板变更", "cli"), (listed.GetProperty("pausedReason").GetString(), listed.GetProperty("pausedBy").GetString()));

        var (resumeExit, resumed) = await RunAsync(["resume", "robots"], settings);

        Assert.Equal((0, "robots is scheduled (not paused)"), (resumeExit, Assert.Single(resumed)));
        Assert.Equal(new Dictionary<string, string> { ["robots"] = "0 2 * * *" }, host.RecurringCrons());
    }

    [Fact]
    public async Task Validate_AsAChildProcess_PrintsErrorsWithFileAndLine_AndExitsOne()
    {
        config.WriteSource("typo", Samples.RobotsSource.Replace("schedule:", "schedul:", StringComparison.Ordinal));

        var (exit, output) = await ChildAsync(["validate"], stdin: null);

        Assert.Equal(1, exit);
        Assert.Equal(
            [
                "typo.yaml:4: schedul: unknown field (allowed: name, kind, schedule, paused, pausedReason, file, http, layout, mapping, freshness)",
                "typo.yaml:2: schedule: is required",
                "2 error(s)",
            ],
            output.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task HashPassword_AsAChildProcess_PrintsAHashThatVerifies()
    {
        var (exit, output) = await ChildAsync(["hash-password"], stdin: "吴中-secret-1\n");

        Assert.Equal(0, exit);
        Assert.True(PasswordHashes.Verify(output.Trim(), "吴中-secret-1"));
        Assert.False(PasswordHashes.Verify(output.Trim(), "吴中-secret-2"));
    }

    private Dictionary<string, string?> Settings() => new() { ["Collector:ConfigDirectory"] = config.Directory };

    private static async Task<(int Exit, string[] Lines)> RunAsync(string[] args, Dictionary<string, string?> settings)
    {
        var output = new StringWriter();
        var exit = await CliCommands.RunAsync(args, output, CancellationToken.None, settings);
        return (exit, output.ToString().TrimEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>The service binary as an admin runs it: a real process, environment variables, stdin and exit code.</summary>
    private async Task<(int Exit, string Output)> ChildAsync(string[] args, string? stdin)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "WuzhongCollector.Service.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["Collector__ConfigDirectory"] = config.Directory;
        using var process = Process.Start(start)!;
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException($"the child process did not exit: {await error}");
        }

        return (process.ExitCode, await output);
    }
}
