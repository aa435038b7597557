using System.Diagnostics;
using System.Text.Json;

namespace WuzhongCollector.Service.Tests.Cli;

/// <summary>The preview verb as an admin runs it: the real binary, a config folder, a file; no database; nothing on stderr.</summary>
public sealed class PreviewCommandTests : IDisposable
{
    private readonly TestConfig config = new();

    public void Dispose() => config.Dispose();

    private const string Source = """
        name: monthly
        kind: excel
        schedule: { cron: "0 3 * * *" }
        file: { path: exports/none.xlsx, sheet: 主要指标 }
        layout:
          header: { find: 指标名称, rows: 2 }
          wide: [本年情况/本月, 本年情况/1-本月累计]
        mapping:
          indicator:
            from: 指标名称
            codes:
              数字经济核心产业增加值: DE_CORE_VALUE_ADDED
              软件和信息技术服务业营业收入: SOFTWARE_IT_SERVICES_OUTPUT
              电子信息产业规模: ELECTRONIC_INFO_INDUSTRY_SCALE
              推广应用工业机器人: INDUSTRIAL_ROBOTS_DEPLOYED
          unit: 单位
        """;

    private static string Fixture(string name) => Path.Combine(TestConfig.RepoRoot(), "tests", "WuzhongCollector.Core.Tests", "TestData", "tables", name);

    [Fact]
    public async Task Preview_FileThatBreaksTheMapping_NamesSheetRowColumnAndReason_AndWritesNothing()
    {
        config.WriteSource("monthly", Source);
        var file = Fixture("monthly-report-broken.xlsx");

        var (exit, lines) = await RunAsync("preview", "monthly", "--file", file);

        Assert.Equal(1, exit);
        var rejects = lines.Where(l => l.StartsWith("REJECT", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            [
                $"REJECT  error      value     {file} sheet '主要指标' row 5 column D '本年情况/1-本月累计': '448.5亿' is not a number",
                $"REJECT  error      indicator {file} sheet '主要指标' row 6 column A '指标名称': no indicator code for '其中：集成电路设计收入'; add it to mapping.indicator.codes",
                $"REJECT  error      indicator {file} sheet '主要指标' row 6 column A '指标名称': no indicator code for '其中：集成电路设计收入'; add it to mapping.indicator.codes",
                $"REJECT  missing    value     {file} sheet '主要指标' row 7 column C '本年情况/本月': ELECTRONIC_INFO_INDUSTRY_SCALE 2022-09: missing-data marker '—'",
                $"REJECT  error      unit      {file} sheet '主要指标' row 8 column B '单位': INDUSTRIAL_ROBOTS_DEPLOYED: unit '万元' (Money) does not match the indicator's unit '台' (Count)",
                $"REJECT  error      unit      {file} sheet '主要指标' row 8 column B '单位': INDUSTRIAL_ROBOTS_DEPLOYED: unit '万元' (Money) does not match the indicator's unit '台' (Count)",
            ],
            rejects);
        Assert.Equal(
            [
                $"OK      DE_CORE_VALUE_ADDED              320506 2022-09                   52.3 亿元    estimated   {file} sheet '主要指标' row 5 column C '本年情况/本月'",
                $"OK      ELECTRONIC_INFO_INDUSTRY_SCALE   320506 2022-01..2022-09         571.3 亿元    provisional {file} sheet '主要指标' row 7 column D '本年情况/1-本月累计'",
            ],
            lines.Where(l => l.StartsWith("OK", StringComparison.Ordinal)));
        Assert.Equal($"monthly: 8 record(s) in {file}: 2 observation(s) would be stored, 5 reject(s), 1 missing or below unit; a run would end as partial; nothing was written", lines[^1]);
    }

    [Fact]
    public async Task Preview_Json_GivesOneObjectPerLineWithTheCell()
    {
        config.WriteSource("monthly", Source);

        var (exit, lines) = await RunAsync("preview", "monthly", "--file", Fixture("monthly-report-2022-09.xlsx"), "--json");

        Assert.Equal(0, exit);
        var objects = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var first = objects[0];
        Assert.Equal(
            ("observation", "DE_CORE_VALUE_ADDED", "2022-09", 52.3m, "亿元", "estimated", "主要指标", 5, "C", "本年情况/本月"),
            (first.GetProperty("type").GetString(), first.GetProperty("indicator").GetString(), first.GetProperty("period").GetString(), first.GetProperty("value").GetDecimal(),
             first.GetProperty("unit").GetString(), first.GetProperty("status").GetString(), first.GetProperty("sheet").GetString(), first.GetProperty("row").GetInt32(),
             first.GetProperty("column").GetString(), first.GetProperty("header").GetString()));
        var summary = objects[^1];
        Assert.Equal(("summary", 7, 0, 1, 0), (summary.GetProperty("type").GetString(), summary.GetProperty("observations").GetInt32(),
            summary.GetProperty("errors").GetInt32(), summary.GetProperty("missing").GetInt32(), summary.GetProperty("written").GetInt32()));
        Assert.Equal(9, objects.Count);
    }

    [Fact]
    public async Task Preview_RecordSkippedByTheMapping_IsASkipLine_NotAReject_AndATemplatePeriodsRejectHasItsCell()
    {
        config.WriteFile("exports/robots.csv", "年份,时期,数值,删除\n2021,全年,310,0\n2022,全年,655,1.0\n,全年,702,0\n");
        config.WriteSource("robots", """
            kind: csv
            schedule: { cron: "0 2 * * *" }
            file: { path: exports/robots.csv }
            mapping: { indicator: { const: INDUSTRIAL_ROBOTS_DEPLOYED }, period: "{年份}{时期}", value: 数值, skip: '删除 == 1' }
            """);

        var (exit, lines) = await RunAsync("preview", "robots");
        var (jsonExit, json) = await RunAsync("preview", "robots", "--json");

        Assert.Equal((1, 1), (exit, jsonExit));
        Assert.Equal(["SKIP    exports/robots.csv row 3: skipped by mapping.skip '删除 == 1'"], lines.Where(l => l.StartsWith("SKIP", StringComparison.Ordinal)));
        Assert.Single(lines, l => l.StartsWith("REJECT", StringComparison.Ordinal));
        Assert.EndsWith("1 observation(s) would be stored, 1 reject(s), 0 missing or below unit, 1 skipped by the mapping; a run would end as partial; nothing was written", lines[^1], StringComparison.Ordinal);
        var objects = json.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["observation", "skip", "reject", "summary"], objects.Select(o => o.GetProperty("type").GetString()));
        Assert.Equal((1, 1), (objects[^1].GetProperty("errors").GetInt32(), objects[^1].GetProperty("skipped").GetInt32()));
        var reject = objects[2];
        Assert.Equal(("period", 4, "年份"), (reject.GetProperty("field").GetString(), reject.GetProperty("row").GetInt32(), reject.GetProperty("header").GetString()));
    }

    [Fact]
    public async Task Preview_FigureOutsideItsPlausibleRange_IsShownFlagged_AsARunWouldStoreAndFlagIt()
    {
        config.WriteFile("exports/cloud.csv", "期别,数值\n2022年,96.5%\n2023年,130%\n");
        config.WriteSource("cloud", """
            kind: csv
            schedule: { cron: "0 2 * * *" }
            file: { path: exports/cloud.csv }
            mapping: { indicator: { const: GOV_CLOUD_ADOPTION_RATE }, period: 期别, value: 数值 }
            """);

        var (exit, lines) = await RunAsync("preview", "cloud");
        var (_, json) = await RunAsync("preview", "cloud", "--json");

        Assert.Equal(0, exit);
        Assert.Equal(
            [
                "OK      GOV_CLOUD_ADOPTION_RATE          320506 2022                      96.5 %     normal      exports/cloud.csv row 2 column '数值'",
                "OK      GOV_CLOUD_ADOPTION_RATE          320506 2023                       130 %     normal      exports/cloud.csv row 3 column '数值'  FLAG 130 is above the plausible maximum 100",
            ],
            lines.Where(l => l.StartsWith("OK", StringComparison.Ordinal)));
        Assert.EndsWith("0 missing or below unit, 1 stored but flagged as implausible; a run would end as succeeded; nothing was written", lines[^1], StringComparison.Ordinal);
        var objects = json.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal([JsonValueKind.Null, JsonValueKind.String], objects.Take(2).Select(o => o.GetProperty("flag").ValueKind));
        Assert.Equal(1, objects[^1].GetProperty("flagged").GetInt32());
    }

    [Fact]
    public async Task Preview_SavedAnswer_NeedsNoSecret_ButALiveFetchDoes()
    {
        config.WriteSource("portal", """
            kind: http-json
            schedule: { cron: "0 3 * * *" }
            http: { url: "https://example.test/api?key={secret:WZ_TEST_NEVER_SET}", records: data }
            mapping: { indicator: { const: BASE_STATIONS_5G }, period: nf, value: sl }
            """);
        var saved = config.WriteFile("saved/portal.json", """{"data":[{"nf":"2023.0","sl":"4630"}]}""");

        var (savedExit, fromFile) = await RunAsync("preview", "portal", "--file", saved);
        var (liveExit, live) = await RunAsync("preview", "portal");

        Assert.Equal(0, savedExit);
        Assert.Contains(fromFile, l => l.StartsWith("OK      BASE_STATIONS_5G", StringComparison.Ordinal) && l.Contains(" 2023 ", StringComparison.Ordinal));
        Assert.Equal(1, liveExit);
        Assert.Contains(live, l => l.EndsWith("secret 'WZ_TEST_NEVER_SET' is not set", StringComparison.Ordinal) || l.Contains("WZ_TEST_NEVER_SET", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Preview_UnknownSource_ListsTheSources()
    {
        config.WriteSource("monthly", Source);

        var (exit, lines) = await RunAsync("preview", "nope");

        Assert.Equal((1, "unknown source 'nope' (sources: monthly)"), (exit, lines.Single()));
    }

    [Fact]
    public async Task Preview_SourceFileWithErrors_PrintsEachWithFileAndLine_ByIdAndByPath()
    {
        var path = config.WriteSource("monthly", Source.Replace("sheet: 主要指标", "sheet: 主要指标, headerRows: 2", StringComparison.Ordinal)
            .Replace("indicator:", "indicatr:", StringComparison.Ordinal));

        var (byIdExit, byId) = await RunAsync("preview", "monthly");
        var (byPathExit, byPath) = await RunAsync("preview", path, "--json");

        Assert.Equal(
            [
                "monthly.yaml:4: file.headerRows: unknown field (allowed: path, dropFolder, sheet, encoding, delimiter, quote, headerRow)",
                "monthly.yaml:9: mapping.indicatr: unknown field (allowed: indicator, area, period, value, values, unit, status, percentAsFraction, columns, indicators, skip)",
                "monthly.yaml:9: mapping.indicator: is required",
                "monthly: fix the source file first (3 error(s))",
            ],
            byId);
        Assert.Equal((1, 1), (byIdExit, byPathExit));
        var errors = byPath.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal([(path, 4, "file.headerRows"), (path, 9, "mapping.indicatr"), (path, 9, "mapping.indicator")],
            errors.SkipLast(1).Select(e => (e.GetProperty("file").GetString(), e.GetProperty("line").GetInt32(), e.GetProperty("field").GetString())));
        Assert.Equal(("error", $"{path}: fix the source file first (3 error(s))"), (errors[^1].GetProperty("type").GetString(), errors[^1].GetProperty("reason").GetString()));
    }

    [Fact]
    public async Task Preview_SavedAnswerThatIsNotJsonOrMissing_FailsNamingTheFile()
    {
        config.WriteSource("api", """
            kind: sdmx-json
            schedule: { cron: "0 3 * * *" }
            http: { url: "https://stats.example.org/rest/data/DF/all" }
            mapping: { indicator: { const: ONLINE_RETAIL_SALES }, period: TIME_PERIOD, value: value }
            """);
        var html = config.WriteFile("saved/error-page.json", "<html><body>502 Bad Gateway</body></html>");

        var (htmlExit, notJson) = await RunAsync("preview", "api", "--file", html);
        var (missingExit, missing) = await RunAsync("preview", "api", "--file", "saved/none.json");

        Assert.Equal(
            [
                "fetch   saved answer saved/error-page.json",
                "FAILED  api: saved/error-page.json: the body is not valid JSON ('<' is an invalid start of a value. LineNumber: 0 | BytePositionInLine: 0.) (a run would end failed-permanent, unreadable)",
            ],
            notJson);
        Assert.StartsWith("FAILED  api: file saved/none.json does not exist in the working folder (", Assert.Single(missing), StringComparison.Ordinal);
        Assert.EndsWith($"or in the config folder ({Path.Combine(config.Directory, "saved", "none.json")})", missing[0], StringComparison.Ordinal);
        Assert.Equal((1, 1), (htmlExit, missingExit));
    }

    private async Task<(int Exit, List<string> Lines)> RunAsync(params string[] args)
    {
        var service = Path.Combine(AppContext.BaseDirectory, "WuzhongCollector.Service.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(service);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["Collector__ConfigDirectory"] = config.Directory;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        Assert.True(await stderr is "", await stderr);
        return (process.ExitCode, lines);
    }
}
