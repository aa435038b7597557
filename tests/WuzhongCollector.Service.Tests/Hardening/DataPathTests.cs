using WuzhongCollector.Service.Cli;

namespace WuzhongCollector.Service.Tests.Hardening;

/// <summary>
/// Source files must not reach outside the config folder: not by an absolute path or '..', and not through a
/// symbolic link (the drop folder itself, a file in it, processed/ or failed/, or file.path), which is resolved
/// before the check. Real links into a temporary folder outside config stand in for system folders: nothing there is
/// ever read or moved, and none of its cell values reaches the database or the API.
/// </summary>
public sealed class DataPathTests : IDisposable
{
    private const string SecretCell = "机密单元格-7391";

    private readonly TestConfig config = new();
    private readonly string outside = Directory.CreateTempSubdirectory("wuzhong-outside-").FullName;

    public DataPathTests()
    {
        File.WriteAllText(Path.Combine(outside, "passwd.csv"), $"指标名称,期别,数值\n{SecretCell},2022年,1\n");
        File.WriteAllText(Path.Combine(outside, "shadow.csv"), $"指标名称,期别,数值\n星级上云企业,{SecretCell},2\n");
    }

    public void Dispose()
    {
        config.Dispose();
        Directory.Delete(outside, recursive: true);
    }

    private static string Source(string fileBlock) => $$"""
        kind: csv
        schedule: { cron: "0 2 * * *" }
        file: { {{fileBlock}} }
        mapping: { indicator: { from: 指标名称, codes: { 星级上云企业: STAR_CLOUD_ENTERPRISES } }, period: 期别, value: 数值 }
        """;

    private const string GoodCsv = "指标名称,期别,数值\n星级上云企业,2022年,188\n";

    [Fact]
    public async Task Validate_AndStart_PathsOutOfConfig_AreConfigErrorsNamingFileLineAndField()
    {
        config.WriteSource("etc", Source("path: /etc/passwd"));
        config.WriteSource("dotdot", Source("path: ../" + Path.GetFileName(outside) + "/passwd.csv"));
        Directory.CreateSymbolicLink(Path.Combine(config.Directory, "inbox"), outside);
        config.WriteSource("linked", Source("dropFolder: inbox"));
        var output = new StringWriter();

        var exit = await CliCommands.RunAsync(["validate"], output, CancellationToken.None, new Dictionary<string, string?> { ["Collector:ConfigDirectory"] = config.Directory });
        var start = await Assert.ThrowsAsync<WuzhongCollector.Service.Sources.ConfigurationException>(() => CollectorHost.StartAsync(config));

        Assert.Equal(1, exit);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(
            [
                $"dotdot.yaml:3: file.path: '../{Path.GetFileName(outside)}/passwd.csv' leads to {outside}/passwd.csv, outside the config folder; add its folder to Collector:AllowedDataRoots to read it",
                "etc.yaml:3: file.path: '/etc/passwd' leads to /etc/passwd, outside the config folder; add its folder to Collector:AllowedDataRoots to read it",
                $"linked.yaml:3: file.dropFolder: 'inbox' leads to {outside}, outside the config folder; add its folder to Collector:AllowedDataRoots to read it",
                "3 error(s)",
            ],
            lines);
        Assert.Equal(3, start.Errors.Count);
    }

    [Fact]
    public async Task Collect_PathInAnAllowedRoot_IsRead()
    {
        config.WriteSource("allowed", Source($"path: {outside}/shadow.csv"));
        File.WriteAllText(Path.Combine(outside, "shadow.csv"), GoodCsv);
        await using var host = await CollectorHost.StartAsync(config, settings: new Dictionary<string, string?> { ["Collector:AllowedDataRoots:0"] = outside });

        Assert.Equal("succeeded", (await host.CollectAsync("allowed")).Outcome);
    }

    /// <summary>A link made after the source file was validated (no reload sees it): the run checks again.</summary>
    [Theory]
    [InlineData("the drop folder")]
    [InlineData("processed/")]
    [InlineData("failed/")]
    [InlineData("file.path")]
    public async Task Collect_LinkToOutsideMadeAfterStart_FailsTheRunAsConfig_AndReadsAndMovesNothing(string linked)
    {
        var dropFolder = linked != "file.path";
        config.WriteSource("inbox", Source(dropFolder ? "dropFolder: inbox" : "path: exports/a.csv"));
        config.WriteFile(dropFolder ? "inbox/a.csv" : "exports/a.csv", GoodCsv);
        await using var host = await CollectorHost.StartAsync(config);
        var inbox = Path.Combine(config.Directory, "inbox");
        switch (linked)
        {
            case "the drop folder":
                Directory.Delete(inbox, recursive: true);
                Directory.CreateSymbolicLink(inbox, outside);
                break;
            case "processed/" or "failed/":
                Directory.CreateSymbolicLink(Path.Combine(inbox, linked.TrimEnd('/')), outside);
                break;
            default:
                File.Delete(Path.Combine(config.Directory, "exports/a.csv"));
                File.CreateSymbolicLink(Path.Combine(config.Directory, "exports/a.csv"), Path.Combine(outside, "passwd.csv"));
                break;
        }

        var before = Snapshot(outside);
        var failure = await Assert.ThrowsAsync<PermanentSourceException>(() => host.CollectAsync("inbox"));

        Assert.Equal("config", failure.FailureClass);
        Assert.Contains($"leads to {outside}", failure.Message, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(outside));
        await AssertNothingOfOutsideStoredAsync(host);
    }

    [Fact]
    public async Task Collect_DropFolderHoldingLinksToFilesOutside_NeverReadsThem_AndMovesOnlyTheLinks()
    {
        config.WriteSource("inbox", Source("dropFolder: inbox"));
        var inbox = Path.Combine(config.Directory, "inbox");
        Directory.CreateDirectory(inbox);
        File.CreateSymbolicLink(Path.Combine(inbox, "a-passwd.csv"), Path.Combine(outside, "passwd.csv"));
        File.CreateSymbolicLink(Path.Combine(inbox, "b-shadow.csv"), Path.Combine(outside, "shadow.csv"));
        Directory.CreateSymbolicLink(Path.Combine(inbox, "c-etc"), outside);
        config.WriteFile("inbox/d-good.csv", GoodCsv);
        await using var host = await CollectorHost.StartAsync(config);
        var before = Snapshot(outside);

        var run = await host.CollectAsync("inbox");

        Assert.Equal(("succeeded", 1), (run.Outcome, run.Counts!.Stored));
        Assert.Equal(before, Snapshot(outside));
        var failed = Path.Combine(inbox, "failed");
        Assert.Equal(["a-passwd.csv", "a-passwd.csv.error.txt", "b-shadow.csv", "b-shadow.csv.error.txt"], Directory.GetFileSystemEntries(failed).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(Path.Combine(outside, "passwd.csv"), new FileInfo(Path.Combine(failed, "a-passwd.csv")).LinkTarget);
        Assert.StartsWith($"inbox/a-passwd.csv is a link to {outside}/passwd.csv, outside the config folder: not read", File.ReadAllText(Path.Combine(failed, "a-passwd.csv.error.txt")), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(inbox, "processed", "d-good.csv")));
        await AssertNothingOfOutsideStoredAsync(host);
    }

    /// <summary>A named pipe dropped with the exports: opening it would wait for a writer for good, so it is filed unread.</summary>
    [Fact]
    public async Task Collect_DropFolderHoldingANamedPipe_FilesItUnreadAsFailed_AndReadsTheRest()
    {
        config.WriteSource("inbox", Source("dropFolder: inbox"));
        var pipe = Path.Combine(config.Directory, "inbox", "a-pipe.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(pipe)!);
        HostileConfigTests.MakeFifo(pipe);
        config.WriteFile("inbox/d-good.csv", GoodCsv);
        await using var host = await CollectorHost.StartAsync(config);

        RunSummary run;
        try
        {
            run = await host.CollectAsync("inbox").WaitAsync(TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException)
        {
            // The pipe was opened: a writer releases that reader, so the host can stop; the test fails.
            new FileStream(pipe, FileMode.Open, FileAccess.Write).Dispose();
            throw;
        }

        Assert.Equal(("succeeded", 1), (run.Outcome, run.Counts!.Stored));
        var failed = Path.Combine(config.Directory, "inbox", "failed");
        Assert.Equal(["a-pipe.csv", "a-pipe.csv.error.txt"], Directory.GetFileSystemEntries(failed).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.StartsWith("inbox/a-pipe.csv is a named pipe, not a regular file: not read", File.ReadAllText(Path.Combine(failed, "a-pipe.csv.error.txt")), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(config.Directory, "inbox", "processed", "d-good.csv")));
    }

    /// <summary>Names, sizes and contents of every file in the folder.</summary>
    private static string Snapshot(string folder) => string.Join("\n", Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
        .Select(f => Directory.Exists(f) ? f + "/" : $"{f} {File.ReadAllText(f)}"));

    private static async Task AssertNothingOfOutsideStoredAsync(CollectorHost host)
    {
        var stored = string.Join("\n", await host.QueryAsync<string>("SELECT r::text FROM reject r UNION ALL SELECT r::text FROM run r UNION ALL SELECT o::text FROM observation o"));
        var api = await host.Http.GetStringAsync("/api/runs") + await host.Http.GetStringAsync("/api/sources");
        foreach (var id in await host.QueryAsync<long>("SELECT id FROM run"))
        {
            api += await host.Http.GetStringAsync($"/api/runs/{id}/rejects");
        }

        Assert.DoesNotContain(SecretCell, stored + api, StringComparison.Ordinal);
    }
}
