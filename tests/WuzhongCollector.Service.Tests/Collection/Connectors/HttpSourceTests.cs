using System.Security.Cryptography;
using System.Text;
using static WuzhongCollector.Service.Tests.Infrastructure.Faults;

namespace WuzhongCollector.Service.Tests.Collection.Connectors;

/// <summary>Paging, envelope rules, the format kinds and authentication, end to end against a loopback server.</summary>
public sealed class HttpSourceTests
{
    private static string Fixture(string name) =>
        File.ReadAllText(Path.Combine(TestConfig.RepoRoot(), "tests", "WuzhongCollector.Core.Tests", "TestData", "OpenData", name));

    private const string CkanMapping = "  indicator: { from: 指标, codes: { 星级上云企业: STAR_CLOUD_ENTERPRISES } }\n  period: 年份\n  value: 数值\n  unit: 单位";

    private static Task CkanPages(HttpContext context) =>
        context.Request.Query["offset"].ToString() switch
        {
            "0" => Ok(Fixture("ckan-page-1.json"))(context),
            "2" => Ok(Fixture("ckan-page-2.json"))(context),
            _ => Status(500)(context),
        };

    [Fact]
    public async Task Collect_CkanOffsetPaging_ReadsEachPageOnce_StopsAtTheTotal_AndArchivesThePagesTogether()
    {
        await using var harness = await HttpSourceHarness.StartAsync((_, c) => CkanPages(c), kind: "ckan", mapping: CkanMapping, http: """
              query: { resource_id: 7d16a2b4, limit: "{limit}", offset: "{offset}" }
              paging: { mode: offset, size: 2, total: result.total }
            """);

        var first = await harness.CollectAsync();
        var second = await harness.CollectAsync();

        Assert.Equal(("succeeded", 3), (first.Outcome, first.Counts!.Stored));
        Assert.Equal(["/api/data?resource_id=7d16a2b4&limit=2&offset=0", "/api/data?resource_id=7d16a2b4&limit=2&offset=2",
                      "/api/data?resource_id=7d16a2b4&limit=2&offset=0", "/api/data?resource_id=7d16a2b4&limit=2&offset=2"],
            harness.Server.Requests.Select(r => r.PathAndQuery));
        Assert.Equal("unchanged", second.Outcome);
        var archived = await harness.Host.ArchivedPayloadAsync();
        Assert.StartsWith("""{"wuzhong.pages":[{"status":200,"body":{ "help":""", Encoding.UTF8.GetString(archived), StringComparison.Ordinal);
        Assert.Equal("STAR_CLOUD_ENTERPRISES 320506 2021 v1 = 312; STAR_CLOUD_ENTERPRISES 320506 2022 v1 = 418; STAR_CLOUD_ENTERPRISES 320506 2023 v1 = 1074",
            (await harness.StoredAsync()).Observations);
        var locations = await harness.Host.QueryAsync<string>("SELECT location FROM observation ORDER BY period");
        Assert.Equal($"{harness.Server.BaseUrl}/api/data page 2 $.result.records[0].数值", locations.Last());
    }

    [Fact]
    public async Task Collect_NextLinkPaging_FollowsTheRelativeLinkOnTheSameHost()
    {
        await using var harness = await HttpSourceHarness.StartAsync(
            (_, c) => c.Request.Path == "/api/3/action/datastore_search" ? Ok(Fixture("ckan-page-2.json"))(c) : Ok(Fixture("ckan-page-1.json"))(c),
            kind: "ckan", mapping: CkanMapping, http: "  paging: { mode: next, next: result._links.next, total: result.total }");

        var run = await harness.CollectAsync();

        Assert.Equal(("succeeded", 3), (run.Outcome, run.Counts!.Stored));
        Assert.Equal(["/api/data", "/api/3/action/datastore_search?offset=2&limit=2&resource_id=7d16a2b4-5c6d-4e7f-8a9b-0c1d2e3f4a5b"],
            harness.Server.Requests.Select(r => r.PathAndQuery));
    }

    [Fact]
    public async Task Collect_MorePagesThanMaxPages_FailsPermanently_AndWritesNothing()
    {
        await using var harness = await HttpSourceHarness.StartAsync(
            (call, c) => Ok($$"""{"data":[{"indicator":"BASE_STATIONS_5G","period":"{{2000 + call}}","value":"1"}]}""")(c),
            http: "  query: { page: \"{page}\", size: \"{size}\" }\n  records: data\n  paging: { mode: page, size: 1, maxPages: 2 }");

        var failure = await Assert.ThrowsAsync<PermanentSourceException>(() => harness.CollectAsync());

        Assert.Equal("paging", failure.FailureClass);
        var row = await harness.LastRunAsync();
        Assert.Equal(("failed-permanent", 2), (row.Outcome, row.Calls));
        Assert.Equal("src: more than 2 pages (paging.maxPages) and the source says there is more; raise maxPages or narrow the query", row.Error);
        Assert.Equal(new Stored("", 0, 0), await harness.StoredAsync());
    }

    [Fact]
    public async Task Collect_EnvelopeRuleFails_IsPermanent_WithTheEnvelopeMessage()
    {
        await using var harness = await HttpSourceHarness.StartAsync(
            Script(Ok("""{"code":"401","message":"token 无效或已过期","data":null}""")),
            http: "  records: data.data\n  success: 'code == \"000000\" && data.state == true'");

        var failure = await Assert.ThrowsAsync<PermanentSourceException>(() => harness.CollectAsync());

        Assert.Equal("envelope", failure.FailureClass);
        var row = await harness.LastRunAsync();
        Assert.Equal(("failed-permanent", 1, 0), (row.Outcome, row.Calls, row.Retries.Length));
        Assert.Equal("src: the answer failed the success rule 'code == \"000000\" && data.state == true' (code is \"401\"): token 无效或已过期", row.Error);
        Assert.Equal(new Stored("", 0, 0), await harness.StoredAsync());
    }

    [Fact]
    public async Task Collect_SdmxNotFound_IsAnEmptyResult_NotAFailure()
    {
        await using var harness = await HttpSourceHarness.StartAsync(
            Script(Status(404, body: "NoResultsFound: No data for the query", contentType: "text/plain")),
            kind: "sdmx-json", http: "", mapping: "  indicator: { const: ONLINE_RETAIL_SALES }\n  period: TIME_PERIOD\n  value: value");

        var run = await harness.CollectAsync();

        Assert.Equal(("empty", 0, 0), (run.Outcome, run.Counts!.RowsRead, run.Counts.Stored));
        Assert.Equal(1, (await harness.LastRunAsync()).Calls);
        Assert.Equal("""{"wuzhong.pages":[{"status":404,"body":null}]}""", Encoding.UTF8.GetString(await harness.Host.ArchivedPayloadAsync()));
    }

    [Fact]
    public async Task Collect_Soda202_IsRetriedLater_AndTheEmptyArrayEndsPaging()
    {
        await using var harness = await HttpSourceHarness.StartAsync(
            Script(Status(202, body: """{"message":"Request processing"}"""), Ok(Fixture("soda-page-1.json")), Ok(Fixture("soda-empty.json"))),
            kind: "soda",
            http: "  query: { \"$order\": \":id\", \"$limit\": \"{limit}\", \"$offset\": \"{offset}\" }\n  paging: { mode: offset, size: 2 }",
            mapping: "  indicator: { from: indicator, codes: { 数字贸易企业: DIGITAL_TRADE_ENTERPRISES } }\n  period: year\n  value: count");

        var run = await harness.CollectAsync();

        Assert.Equal(("succeeded", 2), (run.Outcome, run.Counts!.Stored));
        var row = await harness.LastRunAsync();
        Assert.Equal(3, row.Calls);
        Assert.Equal(["attempt 1 failed (HTTP 202); retrying in 0 s"], row.Retries);
        Assert.Equal(["/api/data?%24order=%3Aid&%24limit=2&%24offset=0", "/api/data?%24order=%3Aid&%24limit=2&%24offset=0", "/api/data?%24order=%3Aid&%24limit=2&%24offset=2"],
            harness.Server.Requests.Select(r => r.PathAndQuery));
    }

    [Fact]
    public async Task Collect_NbsAnswerForTheDefaultRegion_FailsAsWrongRegion_AndWritesNothing()
    {
        await using var harness = await HttpSourceHarness.StartAsync(
            Script(Ok(Fixture("nbs-esdata-default-region.json"))),
            kind: "nbs",
            http: """
                  method: POST
                  body: '{"cid":"6f8fbd415cbc40ffa7ecb7fd917f2598","indicatorIds":["aff57de5ee994283974705914fbed246"],"daCatalogId":"DC","das":[{"text":"天津市","value":"120000000000"}],"showType":"1","dts":["2021YY-2025YY"]}'
                """,
            mapping: "  indicator: { from: indicator, codes: { 地区生产总值: DE_CORE_VALUE_ADDED } }\n  area: area\n  period: period\n  value: value");

        var failure = await Assert.ThrowsAsync<PermanentSourceException>(() => harness.CollectAsync());

        Assert.Equal("wrong-region", failure.FailureClass);
        Assert.Equal(("failed-permanent", "wrong-region", 1), ((await harness.LastRunAsync()).Outcome, (await harness.LastRunAsync()).FailureClass, (await harness.LastRunAsync()).Calls));
        Assert.Equal("application/json; charset=utf-8", harness.Server.Requests[0].Headers["Content-Type"]);
        Assert.Contains("\"das\":[{\"text\":\"天津市\",\"value\":\"120000000000\"}]", harness.Server.Requests[0].Body, StringComparison.Ordinal);
        Assert.Equal(new Stored("", 0, 0), await harness.StoredAsync());
    }

    [Fact]
    public async Task Collect_HmacAuth_SignsEachCallFreshly_AndSecretsNeverReachTheRunRecord()
    {
        const string ClientId = "client-7f3a", Secret = "hmac-secret-Q2x9", Token = "token-value-8c1d";
        Environment.SetEnvironmentVariable("WUZHONG_SECRET_T4_HMAC_CLIENT", ClientId);
        Environment.SetEnvironmentVariable("WUZHONG_SECRET_T4_HMAC_SECRET", Secret);
        Environment.SetEnvironmentVariable("WUZHONG_SECRET_T4_APP_TOKEN", Token);
        await using var harness = await HttpSourceHarness.StartAsync(
            Script(Status(503), Ok(HttpSourceHarness.Seed), Status(401, body: """{"msg":"invalid signature"}""")),
            http: """
                  query: { apptoken: "{secret:T4_APP_TOKEN}" }
                  records: data
                  auth: { type: hmac, clientId: "{secret:T4_HMAC_CLIENT}", secret: "{secret:T4_HMAC_SECRET}" }
                """);

        var ok = await harness.CollectAsync();
        await Assert.ThrowsAsync<PermanentSourceException>(() => harness.CollectAsync());

        Assert.Equal("succeeded", ok.Outcome);
        foreach (var request in harness.Server.Requests)
        {
            var h = request.Headers;
            var expected = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(ClientId + h["X-Timestamp"] + h["X-Nonce"])));
            Assert.Equal((ClientId, expected), (h["X-Client-Id"], h["X-Signature"]));
            Assert.Equal("/api/data?apptoken=" + Token, request.PathAndQuery);
        }

        Assert.Equal(3, harness.Server.Requests.Select(r => r.Headers["X-Nonce"]).Distinct().Count());
        var recorded = string.Join("\n", (await harness.RunsAsync()).SelectMany(r => new[] { r.Error, r.Origin }.Concat(r.Retries)))
            + string.Join("\n", await harness.Host.QueryAsync<string>("SELECT origin FROM payload"))
            + string.Join("\n", await harness.Host.QueryAsync<string>("SELECT location FROM observation"));
        Assert.Contains("invalid signature", recorded, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, recorded, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, recorded, StringComparison.Ordinal);
        Assert.DoesNotContain(ClientId, recorded, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Collect_SecretRemovedAfterStart_FailsPermanentlyNamingFileLineAndSecret()
    {
        Environment.SetEnvironmentVariable("WUZHONG_SECRET_T4_GONE", "value-that-goes-away");
        await using var harness = await HttpSourceHarness.StartAsync(Script(Ok(HttpSourceHarness.Seed)),
            http: "  records: data\n  headers:\n    token: \"{secret:T4_GONE}\"");
        Environment.SetEnvironmentVariable("WUZHONG_SECRET_T4_GONE", null);

        var failure = await Assert.ThrowsAsync<PermanentSourceException>(() => harness.CollectAsync());

        Assert.Equal("config", failure.FailureClass);
        var row = await harness.LastRunAsync();
        Assert.Equal(("failed-permanent", 0), (row.Outcome, row.Calls));
        Assert.Equal("src: src.yaml:8: http.headers.token: secret 'T4_GONE' is not set: set the environment variable WUZHONG_SECRET_T4_GONE", row.Error);
        Assert.Equal(0, harness.Server.Calls);
    }
}
