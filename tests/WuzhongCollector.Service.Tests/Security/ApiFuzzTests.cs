using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace WuzhongCollector.Service.Tests.Security;

/// <summary>
/// Issue 12's done-when: generated bad requests across every /api endpoint the running service maps (found in its
/// endpoint data source, so new endpoints are fuzzed too) with odd parameters, route values, methods, headers,
/// bodies and encodings, against a real host and database. No answer is a 5xx, every 4xx is a problem-details
/// body with its status, and no table changed.
/// </summary>
public sealed class ApiFuzzTests(ITestOutputHelper output) : IDisposable
{
    private const int Requests = 1200;

    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

    private static readonly string[] Names =
        ["area", "asOf", "from", "to", "format", "layout", "lang", "rule", "period", "source", "limit", "indicators", "reason", "code", "id", "asof", "as_of", "", "x[]", "%00", "区域"];

    private static readonly string[] Values =
    [
        "", " ", "%00", "a%00b", "%01", "%7F", "%C2%85", "%0D%0Aset-cookie:x", "%ZZ", "%C0%AF", "%ED%A0%80", "%F4%90%80%80", "%EF%BF%BF",
        "0001-01-01", "9999-12-31T23:59:59Z", "2024-03-01T00:00:00+08:00", "2024-03-01T00:00:00%2B08:00", "2024-03-01T00:00:00-14:00", "2024-02-30", "2024-03-01 08:00",
        "0", "-1", "1001", "2147483648", "99999999999999999999", "1e309", "NaN", "-0", "0x10", "١٢٣", "１２",
        "csv", "CSV", "xlsx", "json", "pdf", "sheets", "long", "wide", "zh", "en", "fr", "range", "outlier", "nope",
        "320506", "吴中区", "2023", "2023-Q5", "2023年13月", "1-9月", "DE_CORE_VALUE_ADDED,NOPE", ",,,", "=HYPERLINK(\"x\")", "+1", "@SUM(A1)",
        "'; DROP TABLE observation; --", "\" OR 1=1 --", "${jndi:ldap://x}", "<script>alert(1)</script>", "../../etc/passwd", "%2E%2E%2F%2E%2E%2Fetc",
        new string('A', 250), new string('9', 5000), string.Concat(Enumerable.Repeat("数", 300)), "%F0%9F%98%80", "null", "undefined", "[]", "{}",
    ];

    // Route values: never "robots" (the one source), so an admin call with a valid token can only miss, never change anything.
    private static readonly string[] RouteValues =
    [
        "X", "DE_CORE_VALUE_ADDED", "nope", "%01", "%7F", "-1", "0", "99999999999999999999", "1e9", "NaN", "%2E%2E%2F%2E%2E", "%2F", "%25", "%ZZ", "%C0%AF",
        "指标", "ROBOTS", "robots ", "'OR'1'='1", new string('x', 2000), "%E2%80%AE", "a;b", "a,b", "~", "$", "@",
    ];

    private static readonly string[] Bodies =
    [
        "", "{", "}", "null", "[]", "{\"reason\":null}", "{\"reason\":\"\\u0000\"}", "{\"reason\":\"x\\u0000y\"}", "{\"reason\":1e400}", "{\"reason\":[\"a\"]}",
        "{\"reason\":\"" + new string('r', 100_000) + "\"}", new string('[', 5000) + new string(']', 5000), "{\"reason\":\"\\uD800\"}", "\u0000\u0001\u0002",
        "reason=%00", "reason=ok&reason=two", "<reason>x</reason>", "{\"reason\":\"ok\",\"reason\":\"dup\"}",
    ];

    private static readonly string[] ContentTypes =
        ["application/json", "application/json; charset=gb18030", "application/x-www-form-urlencoded", "text/plain", "application/xml", "multipart/form-data; boundary=x", "application/json; charset=utf-8"];

    private readonly TestConfig config = new();

    public void Dispose() => config.Dispose();

    [Fact]
    public async Task BadRequests_OnEveryApiEndpoint_NeverA5xx_Every4xxAProblem_TheDatabaseUnchanged()
    {
        config.WriteFile("exports/robots.csv", Samples.RobotsCsv);
        config.WriteSource("robots", Samples.RobotsSource);
        var connectionString = await TestServer.CreateDatabaseAsync("fuzz");
        await using (var collector = await CollectorHost.StartAsync(config, connectionString))
        {
            await collector.WaitForRecurringAsync(new Dictionary<string, string> { ["robots"] = "0 2 * * *" });
            await collector.CollectAsync("robots");
        }

        // The API role of the binary (no scheduler), so nothing in the background writes while the tables are compared.
        var settings = Credentials.Settings();
        settings["Collector:RunScheduler"] = "false";
        settings["Security:FailedLoginLimit"] = "10000";
        settings["Readers:ExportQueue"] = "1000";
        settings["Readers:ApiQueue"] = "1000";
        await using var host = await CollectorHost.StartAsync(config, connectionString, settings);
        var endpoints = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api", StringComparison.Ordinal))
            .Select(e => (Pattern: e.RoutePattern.RawText!, Method: e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods[0] ?? "GET"))
            .ToList();
        Assert.True(endpoints.Count >= 15, $"only {endpoints.Count} /api endpoints found");
        await host.Http.GetAsync("/api/indicators");
        var before = await SnapshotAsync(host);

        // A new seed each run, printed on failure; WUZHONG_FUZZ_SEED replays one.
        var seed = int.TryParse(Environment.GetEnvironmentVariable("WUZHONG_FUZZ_SEED"), out var given) ? given : Environment.TickCount;
        var random = new Random(seed);
        var requests = Enumerable.Range(0, Requests).Select(i => Generate(random, endpoints[i % endpoints.Count], host.BaseUrl)).ToList();
        var failures = new List<string>();
        var statuses = new Dictionary<int, int>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(60) };
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (request, cancellationToken) =>
        {
            var (status, problem) = await SendAsync(client, request, cancellationToken);
            lock (failures)
            {
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                if (problem is not null)
                {
                    failures.Add($"{request.Method} {request.Url} [{request.Describe}] -> {status}: {problem}");
                }
            }
        });

        var elapsed = clock.Elapsed;
        var after = await SnapshotAsync(host);
        output.WriteLine($"seed {seed}, {requests.Count} requests over {endpoints.Count} endpoints in {elapsed.TotalSeconds:0.0} s: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} x{s.Value}"))}");
        Assert.True(failures.Count == 0, $"seed {seed}: {failures.Count} bad answers, e.g.{Environment.NewLine}{string.Join(Environment.NewLine, failures.Take(15))}");
        Assert.Equal(before, after);
    }

    private static Fuzzed Generate(Random random, (string Pattern, string Method) endpoint, string baseUrl)
    {
        var path = System.Text.RegularExpressions.Regex.Replace(endpoint.Pattern, @"\{[^}]+\}", _ => Pick(random, RouteValues));
        var query = string.Join("&", Enumerable.Range(0, random.Next(0, 5)).Select(_ =>
            random.Next(10) == 0 ? Pick(random, Values) : $"{Pick(random, Names)}={Pick(random, Values)}"));
        var method = random.Next(6) == 0 ? Pick(random, Methods) : endpoint.Method;
        var headers = new List<(string, string)>();
        var describe = new StringBuilder();
        if (random.Next(3) == 0)
        {
            var authorization = random.Next(5) switch
            {
                0 => "Bearer " + Credentials.AdminToken,
                1 => "Bearer " + Pick(random, Values),
                2 => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Credentials.AdminUser}:{Pick(random, Values)}")),
                3 => "Basic %%%not-base64",
                _ => "Digest " + Pick(random, Values),
            };
            headers.Add(("Authorization", authorization));
        }

        foreach (var (name, values) in new (string, string[])[]
        {
            ("Accept", ["application/xml", "text/csv", "*/*;q=abc", "", "application/json;charset=gb18030"]),
            ("If-None-Match", ["\"x\"", "*", "W/\"\"", new string('"', 100), "garbage"]),
            ("If-Modified-Since", ["yesterday", "Thu, 01 Jan 1970 00:00:00 GMT", "0"]),
            ("Origin", ["http://evil.example", "null", baseUrl, "file://"]),
            ("Sec-Fetch-Site", ["cross-site", "same-site", "same-origin", "none", "bogus"]),
            ("X-Forwarded-For", ["not-an-ip", "203.0.113.7, 10.0.0.1", "::1", "999.999.999.999"]),
            ("Accept-Language", ["zh-CN", "xx;q=2", new string('a', 500)]),
            ("Range", ["bytes=0-0", "bytes=-1", "lines=1-2"]),
        })
        {
            if (random.Next(5) == 0)
            {
                headers.Add((name, Pick(random, values)));
            }
        }

        string? body = null, contentType = null;
        if (method is "POST" or "PUT" or "PATCH" || random.Next(20) == 0)
        {
            body = Pick(random, Bodies);
            contentType = random.Next(8) == 0 ? null : Pick(random, ContentTypes);
        }

        foreach (var (name, value) in headers)
        {
            describe.Append(name).Append(": ").Append(value.Length > 40 ? value[..40] + "…" : value).Append("; ");
        }

        describe.Append(body is null ? "no body" : $"body {body.Length} chars as {contentType ?? "(none)"}");
        // Kestrel answers a request line over 8 KiB itself (414, before the service sees it): stay below, counting
        // the query as sent, percent-escaped (a character outside ASCII takes up to 12 bytes).
        var withQuery = baseUrl + path + "?" + query;
        var url = query.Length > 0 && new Uri(withQuery, UriKind.Absolute).PathAndQuery.Length < 7000 ? withQuery : baseUrl + path;
        return new Fuzzed(method, url, headers, body, contentType, describe.ToString());
    }

    private static async Task<(int Status, string? Problem)> SendAsync(HttpClient client, Fuzzed fuzzed, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(new HttpMethod(fuzzed.Method), new Uri(fuzzed.Url, UriKind.Absolute));
        foreach (var (name, value) in fuzzed.Headers)
        {
            // Kestrel refuses non-ASCII header bytes itself, before the service sees them.
            request.Headers.TryAddWithoutValidation(name, new string(value.Select(c => c < 128 ? c : '?').ToArray()));
        }

        if (fuzzed.Body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(fuzzed.Body));
            if (fuzzed.ContentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", fuzzed.ContentType);
            }
        }

        using var response = await client.SendAsync(request, cancellationToken);
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (status >= 500)
        {
            return (status, body.Length > 300 ? body[..300] : body);
        }

        if (status < 400 || fuzzed.Method == "HEAD")
        {
            return (status, null);
        }

        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return (status, $"content type {response.Content.Headers.ContentType}: {(body.Length > 200 ? body[..200] : body)}");
        }

        try
        {
            using var problem = JsonDocument.Parse(body);
            return problem.RootElement.TryGetProperty("status", out var s) && s.GetInt32() == status && problem.RootElement.TryGetProperty("title", out _)
                ? (status, null)
                : (status, "problem without a matching status or a title: " + body);
        }
        catch (JsonException)
        {
            return (status, "not JSON: " + body);
        }
    }

    /// <summary>Row count and a hash of the contents of every table of the service, Hangfire and the analysts' schema.</summary>
    private static async Task<string> SnapshotAsync(CollectorHost host)
    {
        var tables = await host.QueryAsync<string>("""
            SELECT format('%I.%I', table_schema, table_name) FROM information_schema.tables
            WHERE table_type = 'BASE TABLE' AND table_schema IN ('public', 'hangfire', 'analyst') ORDER BY 1
            """);
        var lines = new List<string>();
        foreach (var table in tables)
        {
            var (rows, hash) = await host.QuerySingleAsync<(long, string)>($"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {table} t");
            lines.Add($"{table} {rows} {hash}");
        }

        return string.Join(Environment.NewLine, lines);
    }

    private static string Pick(Random random, string[] values) => values[random.Next(values.Length)];

    private sealed record Fuzzed(string Method, string Url, List<(string Name, string Value)> Headers, string? Body, string? ContentType, string Describe);
}
