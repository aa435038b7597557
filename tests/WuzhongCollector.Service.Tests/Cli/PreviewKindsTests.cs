using System.Text;
using System.Text.Json;
using WuzhongCollector.Core.OpenData;
using WuzhongCollector.Service.Cli;
using static WuzhongCollector.Service.Tests.Infrastructure.Faults;

namespace WuzhongCollector.Service.Tests.Cli;

/// <summary>
/// preview for every kind: a file kind from its configured file and from --file; an HTTP kind live against a
/// loopback server (with the kind's paging and auth) and from a saved answer, both giving the same figures.
/// </summary>
public sealed class PreviewKindsTests : IDisposable
{
    private const string Token = "p11-token-5d2e";
    private readonly TestConfig config = new();

    public PreviewKindsTests()
    {
        Environment.SetEnvironmentVariable("WUZHONG_SECRET_P11_TOKEN", Token);
    }

    public void Dispose() => config.Dispose();

    /// <summary>One HTTP kind: its source (after url, {server} is the loopback), the server, the saved answer, what both previews give.</summary>
    private sealed record HttpCase(string Http, string Mapping, Func<int, HttpContext, Task> Serve, string[] Saved, string[] Requests, string[] Figures);

    private static string Fixture(string name) =>
        File.ReadAllText(Path.Combine(TestConfig.RepoRoot(), "tests", "WuzhongCollector.Core.Tests", "TestData", "OpenData", name));

    private static Step Authorized(string header, string value, Step then) =>
        context => context.Request.Headers[header] == value ? then(context) : Status(401, body: """{"msg":"bad token"}""")(context);

    private const string FiveG = """{"data":[{"indicator":"累计建成5G基站","period":"2021年","value":3120},{"indicator":"累计建成5G基站","period":"2022年","value":"4,215"}]}""";

    private static readonly Dictionary<string, HttpCase> Cases = new()
    {
        ["http-json"] = new(
            """
              query: { page: "{page}", size: "{size}" }
              records: data
              paging: { mode: page, size: 2 }
              auth: { type: token, header: Authorization, token: "Bearer {secret:P11_TOKEN}" }
            """,
            "  indicator: { from: indicator, codes: { 累计建成5G基站: BASE_STATIONS_5G } }\n  period: period\n  value: value",
            (_, c) => Authorized("Authorization", "Bearer " + Token, Ok(c.Request.Query["page"] == "1" ? FiveG : """{"data":[{"indicator":"累计建成5G基站","period":"2023年","value":"三千"}]}"""))(c),
            [FiveG, """{"data":[{"indicator":"累计建成5G基站","period":"2023年","value":"三千"}]}"""],
            ["GET /api/data?page=1&size=2", "GET /api/data?page=2&size=2"],
            ["BASE_STATIONS_5G 320506 2021 3120 normal", "BASE_STATIONS_5G 320506 2022 4215 normal", "reject error value BASE_STATIONS_5G 320506 2023 year"]),
        ["nbs"] = new(
            """
              method: POST
              body: '{"cid":"6f8f","indicatorIds":["b3f1"],"daCatalogId":"","das":[{"text":"江苏省","value":"320000000000"}],"showType":"1","dts":["2021YY-2025YY"]}'
            """,
            "  indicator: { from: indicator, codes: { 有效发明专利数: DE_VALID_INVENTION_PATENTS } }\n  area: { from: area, codes: { \"320000000000\": \"320000\" } }\n  period: period\n  value: value\n  unit: unit",
            Script(Ok(Fixture("nbs-esdata-provincial-annual.json"))),
            [Fixture("nbs-esdata-provincial-annual.json")],
            ["POST /api/data"],
            ["reject missing value DE_VALID_INVENTION_PATENTS 320000 2025 year", "DE_VALID_INVENTION_PATENTS 320000 2023 329815 normal",
             "reject missing value DE_VALID_INVENTION_PATENTS 320000 2024 year", "DE_VALID_INVENTION_PATENTS 320000 2022 285404 normal",
             "reject missing value DE_VALID_INVENTION_PATENTS 320000 2026-10 month"]),
        ["nbs-easyquery"] = new(
            """
              query: { m: QueryData, dbcode: fsnd, rowcode: zb, colcode: sj, wds: '[{"wdcode":"reg","valuecode":"320000"}]' }
            """,
            "  indicator: { from: indicator, codes: { A0K0A01: DE_VALID_INVENTION_PATENTS } }\n  area: area\n  period: period\n  value: value\n  unit: unit",
            Script(Ok(Fixture("easyquery-fsnd-jiangsu.json"))),
            [Fixture("easyquery-fsnd-jiangsu.json")],
            ["GET /api/data?m=QueryData&dbcode=fsnd&rowcode=zb&colcode=sj&wds=%5B%7B%22wdcode%22%3A%22reg%22%2C%22valuecode%22%3A%22320000%22%7D%5D"],
            ["DE_VALID_INVENTION_PATENTS 320000 2023 329815 normal", "DE_VALID_INVENTION_PATENTS 320000 2022 285404 normal",
             "reject missing value DE_VALID_INVENTION_PATENTS 320000 2024 year", "reject error indicator - - -"]),
        ["ckan"] = new(
            """
              query: { resource_id: 7d16a2b4, limit: "{limit}", offset: "{offset}" }
              paging: { mode: offset, size: 2, total: result.total }
            """,
            "  indicator: { from: 指标, codes: { 星级上云企业: STAR_CLOUD_ENTERPRISES } }\n  period: 年份\n  value: 数值\n  unit: 单位",
            (_, c) => Ok(Fixture(c.Request.Query["offset"] == "0" ? "ckan-page-1.json" : "ckan-page-2.json"))(c),
            [Fixture("ckan-page-1.json"), Fixture("ckan-page-2.json")],
            ["GET /api/data?resource_id=7d16a2b4&limit=2&offset=0", "GET /api/data?resource_id=7d16a2b4&limit=2&offset=2"],
            ["STAR_CLOUD_ENTERPRISES 320506 2021 312 normal", "STAR_CLOUD_ENTERPRISES 320506 2022 418 normal", "STAR_CLOUD_ENTERPRISES 320506 2023 1074 normal"]),
        ["sdmx-json"] = new(
            "  headers: { Accept: \"application/vnd.sdmx.data+json;version=2.0.0\" }",
            "  indicator: { from: INDICATOR, codes: { ONLINE_RETAIL: ONLINE_RETAIL_SALES } }\n  area: { from: REF_AREA, codes: { \"320506\": \"320506\" } }\n  period: TIME_PERIOD\n  value: value\n  unit: { const: 亿元 }\n  status: OBS_STATUS",
            (_, c) => Authorized("Accept", "application/vnd.sdmx.data+json;version=2.0.0", Ok(Fixture("sdmx-2.0-series.json")))(c),
            [Fixture("sdmx-2.0-series.json")],
            ["GET /api/data"],
            ["ONLINE_RETAIL_SALES 320506 2023-Q1 41.2 normal", "ONLINE_RETAIL_SALES 320506 2023-Q2 45.9 provisional", "ONLINE_RETAIL_SALES 320506 2023-Q3 39 normal",
             "reject error area ONLINE_RETAIL_SALES - -"]),
        ["json-stat"] = new(
            string.Empty,
            "  indicator: { from: ContentsCode, codes: { 000007SF: SOFTWARE_IT_SERVICES_OUTPUT } }\n  area: Region\n  period: Tid\n  value: value\n  unit: unit\n  status: status",
            Script(Ok(Fixture("jsonstat-dense.json"))),
            [Fixture("jsonstat-dense.json")],
            ["GET /api/data"],
            ["SOFTWARE_IT_SERVICES_OUTPUT 320506 2021 125 normal", "SOFTWARE_IT_SERVICES_OUTPUT 320506 2022 138 provisional",
             "reject missing value SOFTWARE_IT_SERVICES_OUTPUT 320506 2023 year", "SOFTWARE_IT_SERVICES_OUTPUT 320505 2021 99 normal",
             "SOFTWARE_IT_SERVICES_OUTPUT 320505 2022 101 normal", "SOFTWARE_IT_SERVICES_OUTPUT 320505 2023 110 normal"]),
        ["soda"] = new(
            """
              query: { "$order": year, "$limit": "{limit}", "$offset": "{offset}" }
              headers: { X-App-Token: "{secret:P11_TOKEN}" }
              paging: { mode: offset, size: 2 }
            """,
            "  indicator: { from: indicator, codes: { 数字贸易企业: DIGITAL_TRADE_ENTERPRISES } }\n  period: year\n  value: count",
            (call, c) => call == 1
                ? Status(202, body: """{"message":"Request processing"}""")(c)
                : Authorized("X-App-Token", Token, Ok(Fixture(c.Request.Query["$offset"] == "0" ? "soda-page-1.json" : "soda-empty.json")))(c),
            [Fixture("soda-page-1.json"), Fixture("soda-empty.json")],
            ["GET /api/data?%24order=year&%24limit=2&%24offset=0", "GET /api/data?%24order=year&%24limit=2&%24offset=0", "GET /api/data?%24order=year&%24limit=2&%24offset=2"],
            ["DIGITAL_TRADE_ENTERPRISES 320506 2021 25 normal", "DIGITAL_TRADE_ENTERPRISES 320506 2022 31 normal"]),
    };

    public static TheoryData<string> HttpKinds => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(HttpKinds))]
    public async Task Preview_HttpKind_LiveWithItsPagingAndAuth_AndFromASavedAnswer_GiveTheSameFigures(string kind)
    {
        var kase = Cases[kind];
        await using var server = await LoopbackServer.StartAsync(kase.Serve);
        config.WriteSource("src", $"""
            kind: {kind}
            schedule: {"{"} cron: "0 3 * * *" {"}"}
            http:
              url: "{server.BaseUrl}/api/data"
            {kase.Http}
              resilience: {"{"} maxRetries: 1, baseDelaySeconds: 0 {"}"}
            mapping:
            {kase.Mapping}
            """);
        // A run archives several pages together; a saved answer may be that archive or one answer as it came.
        var saved = config.WriteFile("saved/answer.json", kase.Saved.Length == 1
            ? kase.Saved[0]
            : Encoding.UTF8.GetString(PagedPayload.Pack([.. kase.Saved.Select(p => new PageBody(200, Encoding.UTF8.GetBytes(p)))])));

        var (liveExit, live) = await PreviewAsync("src", "--json");
        var (savedExit, fromFile) = await PreviewAsync("src", "--file", saved, "--json");

        Assert.Equal(kase.Requests, server.Requests.Select(r => $"{r.Method} {r.PathAndQuery}"));
        Assert.Equal(kase.Figures, Figures(live));
        Assert.Equal(kase.Figures, Figures(fromFile));
        var errors = kase.Figures.Any(f => f.StartsWith("reject error", StringComparison.Ordinal)) ? 1 : 0;
        Assert.Equal((errors, errors), (liveExit, savedExit));
        Assert.Equal((kase.Requests.Length, 0), (live[^1].GetProperty("calls").GetInt32(), fromFile[^1].GetProperty("calls").GetInt32()));
        // Socrata answers 202 while it prepares the result: the run's retry policy applies to the preview too.
        Assert.Equal(kind == "soda" ? ["attempt 1 failed (HTTP 202); retrying in 0 s"] : [], live[^1].GetProperty("retries").EnumerateArray().Select(r => r.GetString()));
    }

    [Theory]
    [InlineData("csv", "exports/robots.csv")]
    [InlineData("excel", "exports/report.xlsx")]
    public async Task Preview_FileKind_FromItsConfiguredFile_AndFromFile_GiveTheSameFigures(string kind, string path)
    {
        if (kind == "csv")
        {
            config.WriteFile(path, Samples.RobotsCsv);
            config.WriteSource("src", Samples.RobotsSource.Replace("exports/robots.csv", path, StringComparison.Ordinal));
        }
        else
        {
            File.Copy(Path.Combine(TestConfig.RepoRoot(), "config", "samples", "tjj-monthly-report-2022-09.xlsx"), config.WriteFile(path, string.Empty), overwrite: true);
            config.WriteSource("src", File.ReadAllText(Path.Combine(TestConfig.RepoRoot(), "config", "sources", "tjj-monthly-report-excel.yaml"))
                .Replace("samples/tjj-monthly-report-2022-09.xlsx", path, StringComparison.Ordinal));
        }

        var elsewhere = Directory.CreateTempSubdirectory("wuzhong-preview-");
        var copy = Path.Combine(elsewhere.FullName, "saved" + Path.GetExtension(path));
        File.Copy(Path.Combine(config.Directory, path), copy);

        var (_, configured) = await PreviewAsync("src", "--json");
        var (_, given) = await PreviewAsync("src", "--file", copy, "--json");

        var expected = kind == "csv"
            ? ["INDUSTRIAL_ROBOTS_DEPLOYED 320506 2021 310 normal", "INDUSTRIAL_ROBOTS_DEPLOYED 320506 2022 655 normal", "reject error value INDUSTRIAL_ROBOTS_DEPLOYED 320506 2023 year"]
            : new[]
            {
                "DE_CORE_VALUE_ADDED 320506 2022-09 52.3 estimated", "DE_CORE_VALUE_ADDED 320506 2022-01..2022-09 448.5 provisional",
                "DE_CORE_VALUE_ADDED 320506 2021-09 47.1 normal", "DE_CORE_VALUE_ADDED 320506 2021-01..2021-09 401.2 normal",
            };
        Assert.Equal(expected, Figures(configured).Take(expected.Length));
        Assert.Equal(Figures(configured), Figures(given));
        Assert.Equal((path, copy), (configured[^1].GetProperty("origin").GetString(), given[^1].GetProperty("origin").GetString()));
        elsewhere.Delete(recursive: true);
    }

    [Fact]
    public async Task Preview_DropFolderSource_ReadsTheOldestWaitingFile_WithoutADatabase()
    {
        config.WriteSource("src", Samples.RobotsSource.Replace("file: { path: exports/robots.csv }", "file: { dropFolder: inbox }", StringComparison.Ordinal));
        var older = config.WriteFile("inbox/a.csv", "期别,数值\n2021年,300\n");
        File.SetLastWriteTimeUtc(older, File.GetLastWriteTimeUtc(older).AddHours(-1));
        config.WriteFile("inbox/b.csv", "期别,数值\n2021年,310\n");

        var (exit, lines) = await PreviewAsync("src", "--json");

        Assert.Equal((0, "inbox/a.csv"), (exit, lines[^1].GetProperty("origin").GetString()));
        Assert.Equal(["INDUSTRIAL_ROBOTS_DEPLOYED 320506 2021 300 normal"], Figures(lines));
    }

    /// <summary>Figures as "INDICATOR AREA PERIOD VALUE STATUS", rejects as "reject KIND FIELD INDICATOR AREA PERIOD PERIODTYPE" ("-" when unknown).</summary>
    private static List<string> Figures(List<JsonElement> lines) =>
        lines.Where(l => l.GetProperty("type").GetString() is "observation" or "reject").Select(l => l.GetProperty("type").GetString() == "observation"
            ? $"{Text(l, "indicator")} {Text(l, "area")} {Text(l, "period")} {l.GetProperty("value").GetDecimal():0.####} {Text(l, "status")}"
            : $"reject {Text(l, "kind")} {Text(l, "field")} {Text(l, "indicator")} {Text(l, "area")} {Text(l, "period")}{(l.GetProperty("periodType").GetString() is { } type ? " " + type : string.Empty)}").ToList();

    private static string Text(JsonElement line, string property) => line.GetProperty(property).GetString() ?? "-";

    private async Task<(int Exit, List<JsonElement> Lines)> PreviewAsync(params string[] args)
    {
        var output = new StringWriter();
        var settings = new Dictionary<string, string?> { ["Collector:ConfigDirectory"] = config.Directory, ["Collector:Http:RequestsPerSecondPerHost"] = "1000" };
        var exit = await CliCommands.RunAsync(["preview", .. args], output, CancellationToken.None, settings);
        return (exit, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList());
    }
}
