using System.Net;
using System.Text;
using System.Text.Json;

namespace WuzhongCollector.Service.Tests.Query;

/// <summary>Issue 12: bad parameters gave 500 (an asOf offset, asOf=0001-01-01, a %00) or were silently ignored.</summary>
public sealed class ApiErrorTests : IDisposable
{
    private static readonly string[] AsOfEndpoints =
    [
        "/api/series/DE_CORE_VALUE_ADDED", "/api/series/DE_CORE_VALUE_ADDED/revisions", "/api/progress", "/api/progress/DE_CORE_VALUE_ADDED",
        "/api/freshness", "/api/quality/flags", "/api/export/observations", "/api/export/progress", "/api/evaluation", "/api/reporting",
    ];

    private readonly TestConfig config = new();

    public ApiErrorTests()
    {
        config.WriteFile("exports/robots.csv", Samples.RobotsCsv);
        config.WriteSource("robots", Samples.RobotsSource);
    }

    public void Dispose() => config.Dispose();

    [Fact]
    public async Task BadParameter_IsA400ProblemNamingIt_InOneShape_OnEveryEndpoint()
    {
        await using var host = await CollectorHost.StartAsync(config);
        var cases = AsOfEndpoints.SelectMany(e => new[]
        {
            (e + "?asOf=0001-01-01", "asOf"), (e + "?asOf=yesterday", "asOf"), (e + "?asOf=2024-13-01", "asOf"), (e + "?area=%00", "area"),
            (e + "?as_of=2024-01-01", "as_of"), (e + "?area=" + new string('9', 300), "area"),
        }).Concat(
        [
            ("/api/indicators?area=a%00b", "area"), ("/api/indicators?area=1&area=2", "area"), ("/api/runs?source=%00", "source"),
            ("/api/series/DE_CORE_VALUE_ADDED/revisions?period=2023%00", "period"), ("/api/runs?limit=0", "limit"), ("/api/runs?limit=1001", "limit"),
            ("/api/runs?limit=99999999999", "limit"), ("/api/runs?limit=ten", "limit"), ("/api/quality/flags?rule=nope", "rule"),
            ("/api/series/DE_CORE_VALUE_ADDED?format=pdf", "format"), ("/api/series/DE_CORE_VALUE_ADDED?from=someday", "from"),
            ("/api/export/observations?format=pdf", "format"), ("/api/export/observations?layout=wide", "layout"), ("/api/export/progress?lang=fr", "lang"),
            ("/api/series/DE_CORE_VALUE_ADDED?code=X", "code"), ("/api/config/errors?verbose=1", "verbose"), ("/api/series/%01", "path"),
            ("/api/series/DE_CORE_VALUE_ADDED?to=someday", "to"), ("/api/export/observations?format=csv&layout=sheets", "layout"),
            ("/api/export/observations?indicators=NOPE", "indicators"), ("/api/reporting?period=2023-Q5", "period"), ("/api/reporting?department=nobody", "department"),
        ]);

        foreach (var (url, parameter) in cases)
        {
            using var response = await host.Http.GetAsync(url);
            var body = await response.Content.ReadAsStringAsync();

            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{url}: {(int)response.StatusCode} {body}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = JsonDocument.Parse(body).RootElement;
            // One shape whichever check refused it (the shared filter, the middleware, binding or the handler itself).
            Assert.True(problem.GetProperty("type").GetString() == "https://tools.ietf.org/html/rfc9110#section-15.5.1", $"{url}: {body}");
            Assert.True(problem.GetProperty("title").GetString() == "Bad parameter", $"{url}: {body}");
            Assert.Equal(400, problem.GetProperty("status").GetInt32());
            Assert.True(problem.GetProperty("detail").GetString()!.StartsWith(parameter + ": ", StringComparison.Ordinal), $"{url}: the detail does not name {parameter}: {body}");
            Assert.True(problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(parameter, out _), $"{url}: errors does not name {parameter}: {body}");
        }
    }

    [Fact]
    public async Task AsOf_WithAnOffset_EscapedOrArrivingAsASpace_IsTheSameInstantAsInUtc()
    {
        await using var host = await CollectorHost.StartAsync(config);
        await host.CollectAsync("robots");
        var recorded = await host.ScalarAsync<DateTime>("SELECT max(recorded_at) FROM observation");
        var after = new DateTimeOffset(DateTime.SpecifyKind(recorded, DateTimeKind.Utc)).AddHours(1);
        var shanghai = after.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", System.Globalization.CultureInfo.InvariantCulture);

        var utc = await host.Http.GetStringAsync("/api/series/INDUSTRIAL_ROBOTS_DEPLOYED?asOf=" + Uri.EscapeDataString(after.ToString("O")));
        var escaped = await host.Http.GetStringAsync("/api/series/INDUSTRIAL_ROBOTS_DEPLOYED?asOf=" + shanghai + "%2B08:00");
        var unescaped = await host.Http.GetStringAsync("/api/series/INDUSTRIAL_ROBOTS_DEPLOYED?asOf=" + shanghai + "+08:00");
        var before = await host.Http.GetFromJsonAsync<SeriesDto>("/api/series/INDUSTRIAL_ROBOTS_DEPLOYED?asOf=" + after.AddHours(-2).ToOffset(TimeSpan.FromHours(8)).ToString("O").Replace("+", "%2B", StringComparison.Ordinal));

        Assert.Equal(utc, escaped);
        Assert.Equal(utc, unescaped);
        Assert.Equal(2, JsonSerializer.Deserialize<SeriesDto>(utc, JsonSerializerOptions.Web)!.Points.Count);
        Assert.Empty(before!.Points);
        foreach (var endpoint in AsOfEndpoints)
        {
            using var response = await host.Http.GetAsync(endpoint + "?asOf=" + shanghai + "+08:00");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{endpoint}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    [Fact]
    public async Task JsonBody_WithANul_IsA400NamingTheBody_AndNothingIsStored()
    {
        await using var host = await CollectorHost.StartAsync(config, settings: Credentials.Settings());
        await host.WaitForRecurringAsync(new Dictionary<string, string> { ["robots"] = "0 2 * * *" });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/sources/robots/pause")
        {
            Content = new StringContent("""{"reason": "disk full\u0000"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = Credentials.Bearer(Credentials.AdminToken);

        using var response = await host.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, body);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("body", JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await host.ScalarAsync<long>("SELECT count(*) FROM source_control"));
    }

    [Fact]
    public async Task Dashboard_JobIdThatIsNotANumber_InThePathOrAButtonsForm_IsA404Problem_NotA500()
    {
        await using var host = await CollectorHost.StartAsync(config);
        using var browser = new DashboardBrowser();
        await browser.OpenAsync(host.BaseUrl + "/hangfire/jobs/succeeded");

        using var details = await host.Http.GetAsync("/hangfire/jobs/details/abc");
        var requeue = await browser.PostAsync(host.BaseUrl + "/hangfire/jobs/actions/requeue/99999999999999999999", "1");
        var delete = await browser.PostAsync(host.BaseUrl + "/hangfire/jobs/failed/delete", "abc");

        Assert.Equal(HttpStatusCode.NotFound, details.StatusCode);
        Assert.Equal("application/problem+json", details.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no job 'abc'", await details.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, requeue);
        Assert.Equal(HttpStatusCode.NotFound, delete);
        using var numbered = await host.Http.GetAsync("/hangfire/jobs/details/1");
        Assert.Equal(HttpStatusCode.OK, numbered.StatusCode);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Development")]
    public async Task UnexpectedFailure_ProductionAnswersAProblemWithoutStackTrace_DevelopmentTheDeveloperPage(string environment)
    {
        await using var host = await CollectorHost.StartAsync(config, environment: environment);
        // A genuine fault: the table the endpoint reads is gone.
        await host.ScalarAsync<int>("ALTER TABLE reject RENAME TO reject_gone; SELECT 1");

        using var response = await host.Http.GetAsync("/api/runs/1/rejects");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        if (environment == "Production")
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(500, JsonDocument.Parse(body).RootElement.GetProperty("status").GetInt32());
            Assert.DoesNotContain(" at ", body, StringComparison.Ordinal);
            Assert.DoesNotContain("reject", body, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("PostgresException", body, StringComparison.Ordinal);
            Assert.Contains("at WuzhongCollector.Service.Query.QueryApi", body, StringComparison.Ordinal);
        }
    }
}
