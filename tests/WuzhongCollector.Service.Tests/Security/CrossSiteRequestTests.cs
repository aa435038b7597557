using System.Net;

namespace WuzhongCollector.Service.Tests.Security;

/// <summary>
/// Issue 12: a page on another site made the local browser trigger and delete jobs. State-changing requests now
/// need this service's own Origin (when the browser sends one) and, on the dashboard, its antiforgery token.
/// </summary>
public sealed class CrossSiteRequestTests : IDisposable
{
    private readonly TestConfig config = new();

    public CrossSiteRequestTests()
    {
        config.WriteFile("exports/robots.csv", Samples.RobotsCsv);
        config.WriteSource("robots", Samples.RobotsSource);
    }

    public void Dispose() => config.Dispose();

    [Fact]
    public async Task DashboardPost_FromAnotherSiteOrWithoutToken_IsRefused_WithThePagesTokenItRuns()
    {
        await using var host = await CollectorHost.StartAsync(config);
        await host.WaitForRecurringAsync(new Dictionary<string, string> { ["robots"] = "0 2 * * *" });
        using var browser = new DashboardBrowser();
        await browser.OpenAsync(host.BaseUrl + "/hangfire/recurring");
        var trigger = host.BaseUrl + "/hangfire/recurring/trigger";

        var foreignOrigin = await browser.PostAsync(trigger, "robots", withToken: true, ("Origin", "http://evil.example"));
        var crossSite = await browser.PostAsync(trigger, "robots", withToken: true, ("Sec-Fetch-Site", "cross-site"));
        var sameSiteOtherPort = await browser.PostAsync(trigger, "robots", withToken: true, ("Origin", "http://127.0.0.1:1"), ("Sec-Fetch-Site", "same-site"));
        var noToken = await browser.PostAsync(trigger, "robots", withToken: false);
        var remove = await browser.PostAsync(host.BaseUrl + "/hangfire/recurring/remove", "robots", withToken: false, ("Origin", "http://evil.example"));
        Assert.Equal(0, await host.ScalarAsync<long>("SELECT count(*) FROM hangfire.job"));

        var ownPage = await browser.PostAsync(trigger, "robots", withToken: true, ("Origin", host.BaseUrl), ("Sec-Fetch-Site", "same-origin"));

        Assert.Equal([HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden],
            [foreignOrigin, crossSite, sameSiteOtherPort, noToken, remove]);
        Assert.Equal(HttpStatusCode.NoContent, ownPage);
        Assert.Equal(1, await host.ScalarAsync<long>("SELECT count(*) FROM hangfire.job"));
        Assert.Contains("robots", host.RecurringCrons().Keys);
    }

    [Fact]
    public async Task ApiPost_FromAnotherSite_IsRefusedEvenWithAnAdminToken()
    {
        await using var host = await CollectorHost.StartAsync(config, settings: Credentials.Settings());
        await host.WaitForRecurringAsync(new Dictionary<string, string> { ["robots"] = "0 2 * * *" });

        async Task<HttpStatusCode> PostAsync(string path, params (string Name, string Value)[] headers)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path);
            request.Headers.Authorization = Credentials.Bearer(Credentials.AdminToken);
            foreach (var (name, value) in headers)
            {
                request.Headers.Add(name, value);
            }

            using var response = await host.Http.SendAsync(request);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync("/api/sources/robots/trigger", ("Origin", "https://evil.example")));
        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync("/api/sources/robots/pause?reason=x", ("Origin", "null")));
        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync("/api/sources/robots/resume", ("Sec-Fetch-Site", "cross-site")));
        Assert.Equal(0, await host.ScalarAsync<long>("SELECT count(*) FROM hangfire.job"));
        Assert.Equal(0, await host.ScalarAsync<long>("SELECT count(*) FROM source_control"));

        // A script (no Origin) and the service's own page are judged by their credentials alone.
        Assert.Equal(HttpStatusCode.Accepted, await PostAsync("/api/sources/robots/trigger"));
        Assert.Equal(HttpStatusCode.OK, await PostAsync("/api/sources/robots/pause?reason=x", ("Origin", host.BaseUrl), ("Sec-Fetch-Site", "same-origin")));
    }

    [Fact]
    public async Task Dashboard_AskedForAnotherHostName_GetsNoLocalAccess()
    {
        await using var host = await CollectorHost.StartAsync(config);

        // DNS rebinding: the attacker's name resolves to 127.0.0.1, and the browser sends that name as Host.
        using var rebound = new HttpRequestMessage(HttpMethod.Get, "/hangfire/recurring");
        rebound.Headers.Host = "evil.example";
        using var response = await host.Http.SendAsync(rebound);
        using var localhost = new HttpRequestMessage(HttpMethod.Get, "/hangfire/recurring");
        localhost.Headers.Host = "localhost";
        using var byName = await host.Http.SendAsync(localhost);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byName.StatusCode);
    }

    /// <summary>Hangfire issue #1248: without a shared key ring, a token from one instance is refused by the other.</summary>
    [Fact]
    public async Task TwoInstancesOnOneDatabase_ATokenFromOneIsAcceptedByTheOther()
    {
        var connectionString = await TestServer.CreateDatabaseAsync("keyring");
        await using var first = await CollectorHost.StartAsync(config, connectionString);
        await using var second = await CollectorHost.StartAsync(config, connectionString);
        await first.WaitForRecurringAsync(new Dictionary<string, string> { ["robots"] = "0 2 * * *" });
        using var browser = new DashboardBrowser();

        await browser.OpenAsync(first.BaseUrl + "/hangfire/recurring");
        var onSecond = await browser.PostAsync(second.BaseUrl + "/hangfire/recurring/trigger", "robots");
        await browser.OpenAsync(second.BaseUrl + "/hangfire/recurring");
        var onFirst = await browser.PostAsync(first.BaseUrl + "/hangfire/recurring/trigger", "robots");

        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NoContent), (onSecond, onFirst));
        Assert.Equal(2, await first.ScalarAsync<long>("SELECT count(*) FROM hangfire.job"));
        Assert.Equal(1, await first.ScalarAsync<long>("SELECT count(*) FROM data_protection_key"));
    }
}
