namespace WuzhongCollector.Core.Tests.OpenData;

public sealed class HttpSourceLoaderTests
{
    private static string Source(string http, string extra = "") => $"""
        kind: http-json
        schedule: {"{"} cron: "0 3 * * *" {"}"}
        {extra}
        http:
        {http}
        mapping: {"{"} indicator: {"{"} const: DE_VALID_INVENTION_PATENTS {"}"}, period: year, value: count {"}"}
        """;

    [Fact]
    public void Parse_MissingSecret_IsAnErrorWithFileLineFieldAndVariable()
    {
        var errors = OpenDataKit.Errors(Source("""
              url: https://data.sh.gov.cn/interface/12224/36129
              headers:
                token: "{secret:SH_TOKEN}"
            """));

        Assert.Equal("test-source.yaml:7: http.headers.token: secret 'SH_TOKEN' is not set: set the environment variable WUZHONG_SECRET_SH_TOKEN", Assert.Single(errors).ToString());
    }

    [Fact]
    public void Parse_PausedSource_MayLackItsSecrets()
    {
        var errors = OpenDataKit.Errors(Source("""
              url: https://data.sh.gov.cn/interface/12224/36129
              headers: { token: "{secret:SH_TOKEN}" }
            """, "paused: true\npausedReason: waiting for a token"));

        Assert.Empty(errors);
    }

    [Fact]
    public void Parse_Mistakes_AreReportedTogetherWithTheirLines()
    {
        var errors = OpenDataKit.Errors(Source("""
              url: "https://x.example/api?p={pag}"
              body: '{"a": 1}'
              paging: { mode: page }
              success: code = 200
              auth: { type: oauth }
            """)).Select(e => e.ToString()).ToList();

        Assert.Equal(
            [
                "test-source.yaml:6: http.method: a body or form needs method POST",
                "test-source.yaml:9: http.auth.type: unknown type 'oauth' (token, app-sign or hmac)",
                "test-source.yaml:7: http.paging.mode: mode page needs {page} in the url, query, body or form",
                "test-source.yaml:8: http.success: 'code = 200' is not a comparison (path == value, path != value, path in [values] or path not in [values])",
                "test-source.yaml:5: http.url: unknown placeholder {pag} (known: page, size, offset, limit, now:FORMAT, timestamp, nonce, self, secret:NAME)",
            ],
            errors);
    }

    [Fact]
    public void Parse_RecordsPathOnAFormatKind_IsAnError()
    {
        var errors = OpenDataKit.Errors(Source("""
              url: https://stats.example.org/data
              records: data.items
            """).Replace("kind: http-json", "kind: sdmx-json", StringComparison.Ordinal));

        Assert.Equal("test-source.yaml:6: http.records: kind sdmx-json reads its own shape; remove 'records'", Assert.Single(errors).ToString());
    }

    [Fact]
    public void Parse_UnknownKind_ListsTheKinds()
    {
        var errors = OpenDataKit.Errors(Source("  url: https://x.example/api").Replace("kind: http-json", "kind: xml", StringComparison.Ordinal));

        Assert.Equal("test-source.yaml:1: kind: unknown kind 'xml' (csv, excel, http-json, nbs, nbs-easyquery, ckan, sdmx-json, json-stat, soda)", Assert.Single(errors).ToString());
    }
}
