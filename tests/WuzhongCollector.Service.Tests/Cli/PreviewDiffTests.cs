using System.Text.Json;
using WuzhongCollector.Service.Cli;

namespace WuzhongCollector.Service.Tests.Cli;

/// <summary>preview --diff against a real database that a real run filled: new keys, revised values, unchanged ones; nothing written. And preview's reject is the one a run stores.</summary>
public sealed class PreviewDiffTests : IDisposable
{
    private readonly TestConfig config = new();

    public void Dispose() => config.Dispose();

    [Fact]
    public async Task PreviewDiff_CorrectedExport_ShowsNewRevisedAndUnchangedKeys_AgainstTheCurrentFigures_AndWritesNothing()
    {
        config.WriteSource("robots", Samples.RobotsSource);
        config.WriteFile("exports/robots.csv", "期别,数值\n2021年,310\n2022年,655\n");
        var settings = new Dictionary<string, string?>
        {
            ["Collector:ConfigDirectory"] = config.Directory,
            ["ConnectionStrings:Collector"] = await TestServer.CreateDatabaseAsync("diff"),
        };
        Assert.Equal(0, (await RunAsync(settings, "run", "robots")).Exit);
        config.WriteFile("exports/robots.csv", "期别,数值\n2021年,310\n2022年,660\n2023年,820\n");

        var (exit, json) = await RunAsync(settings, "preview", "robots", "--diff", "--json");
        var (_, text) = await RunAsync(settings, "preview", "robots", "--diff");

        Assert.Equal(0, exit);
        var lines = json.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(
            [
                ("2021", "unchanged", "310 normal robots v1"),
                ("2022", "revised", "655 normal robots v1"),
                ("2023", "new", "-"),
            ],
            lines.SkipLast(1).Select(l => (l.GetProperty("period").GetString(), l.GetProperty("change").GetString(), Stored(l.GetProperty("stored")))));
        var summary = lines[^1];
        Assert.Equal((1, 1, 1, 0), (summary.GetProperty("new").GetInt32(), summary.GetProperty("revised").GetInt32(), summary.GetProperty("unchanged").GetInt32(), summary.GetProperty("written").GetInt32()));
        Assert.Equal(
            [
                "SAME    INDUSTRIAL_ROBOTS_DEPLOYED       320506 2021                       310 台     normal      exports/robots.csv row 2 column '数值'",
                "REVISED INDUSTRIAL_ROBOTS_DEPLOYED       320506 2022                       660 台     normal      exports/robots.csv row 3 column '数值' (was 655 normal)",
                "NEW     INDUSTRIAL_ROBOTS_DEPLOYED       320506 2023                       820 台     normal      exports/robots.csv row 4 column '数值'",
                "robots: 3 record(s) in exports/robots.csv: 3 observation(s): 1 new, 1 revised, 1 unchanged, 0 reject(s), 0 missing or below unit; a run would end as succeeded; nothing was written",
            ],
            text.Skip(3));
        await using var connection = new NpgsqlConnection(settings["ConnectionStrings:Collector"]);
        Assert.Equal((2L, 1L), (await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM observation"), await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM run")));
    }

    [Fact]
    public async Task PreviewDiff_FigureStoredByAnotherSource_IsComparedWithTheCurrentFigureAndNamesItsSource()
    {
        config.WriteSource("robots", Samples.RobotsSource);
        config.WriteSource("robots-bulletin", Samples.RobotsSource.Replace("exports/robots.csv", "exports/bulletin.csv", StringComparison.Ordinal)
            .Replace("  value: 数值", "  value: 数值\n  status: { const: 公报 }", StringComparison.Ordinal));
        config.WriteFile("exports/bulletin.csv", "期别,数值\n2022年,650\n");
        config.WriteFile("exports/robots.csv", "期别,数值\n2022年,655\n");
        var settings = new Dictionary<string, string?>
        {
            ["Collector:ConfigDirectory"] = config.Directory,
            ["ConnectionStrings:Collector"] = await TestServer.CreateDatabaseAsync("diff"),
        };
        Assert.Equal(0, (await RunAsync(settings, "run", "robots-bulletin")).Exit);

        var (_, text) = await RunAsync(settings, "preview", "robots", "--diff");

        Assert.EndsWith("exports/robots.csv row 2 column '数值' (was 650 normal from robots-bulletin)", text[^2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preview_FractionOfACount_IsTheRejectARunStores_WithItsReason()
    {
        config.WriteSource("robots", Samples.RobotsSource);
        config.WriteFile("exports/robots.csv", "期别,数值\n2021年,310\n2022年,655.5\n");
        var settings = new Dictionary<string, string?>
        {
            ["Collector:ConfigDirectory"] = config.Directory,
            ["ConnectionStrings:Collector"] = await TestServer.CreateDatabaseAsync("whole"),
        };

        var (previewExit, preview) = await RunAsync(settings, "preview", "robots");
        var (runExit, _) = await RunAsync(settings, "run", "robots");

        const string reason = "INDUSTRIAL_ROBOTS_DEPLOYED 2022: 655.5 台 is not a whole number, and INDUSTRIAL_ROBOTS_DEPLOYED counts whole 台";
        Assert.Equal($"REJECT  error      value     exports/robots.csv row 3 column '数值': {reason}", Assert.Single(preview, l => l.StartsWith("REJECT", StringComparison.Ordinal)));
        Assert.EndsWith("1 observation(s) would be stored, 1 reject(s), 0 missing or below unit; a run would end as partial; nothing was written", preview[^1], StringComparison.Ordinal);
        await using var connection = new NpgsqlConnection(settings["ConnectionStrings:Collector"]);
        Assert.Equal((1, 0, "partial", "655.5", reason, 1L), (previewExit, runExit, await connection.ExecuteScalarAsync<string>("SELECT outcome FROM run"),
            await connection.ExecuteScalarAsync<string>("SELECT raw_value FROM reject"), await connection.ExecuteScalarAsync<string>("SELECT reason FROM reject"),
            await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM observation")));
    }

    private static string Stored(JsonElement stored) => stored.ValueKind == JsonValueKind.Null
        ? "-"
        : $"{stored.GetProperty("value").GetDecimal():0.####} {stored.GetProperty("status").GetString()} {stored.GetProperty("source").GetString()} v{stored.GetProperty("vintage").GetInt32()}";

    private static async Task<(int Exit, string[] Lines)> RunAsync(Dictionary<string, string?> settings, params string[] args)
    {
        var output = new StringWriter();
        var exit = await CliCommands.RunAsync(args, output, CancellationToken.None, settings);
        return (exit, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
