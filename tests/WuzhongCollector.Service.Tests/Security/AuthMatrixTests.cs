using System.Net;

namespace WuzhongCollector.Service.Tests.Security;

/// <summary>
/// Who may do what. A remote caller is simulated honestly: the request goes through 127.0.0.1, which the
/// settings trust as a reverse proxy (as in a deployment behind nginx), carrying the client's address in
/// X-Forwarded-For; the service then sees the client's address, exactly as it would for a real remote caller.
/// </summary>
public sealed class AuthMatrixTests : IDisposable
{
    private readonly TestConfig config = new();

    public AuthMatrixTests()
    {
        config.WriteFile("exports/robots.csv", Samples.RobotsCsv);
        config.WriteSource("robots", Samples.RobotsSource);
    }

    public void Dispose() => config.Dispose();

    [Fact]
    public async Task Dashboard_DefaultSettings_AnswersLocalRequestsOnly()
    {
        await using var host = await CollectorHost.StartAsync(config, settings: new Dictionary<string, string?> { ["Security:TrustedProxies:0"] = "127.0.0.1" });

        using var local = await host.Http.GetAsync("/hangfire");
        using var remote = await host.Http.SendAsync(Credentials.Remote(HttpMethod.Get, "/hangfire"));

        Assert.Equal(HttpStatusCode.OK, local.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, remote.StatusCode);
        Assert.StartsWith("Basic realm=\"WuzhongCollector\"", remote.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_Remote_AnonymousRefused_ReadOnlySeesButCannotTrigger_AdminCan()
    {
        await using var host = await CollectorHost.StartAsync(config, settings: Credentials.Settings());
        await host.WaitForRecurringAsync(new Dictionary<string, string> { ["robots"] = "0 2 * * *" });

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(host, HttpMethod.Get, "/hangfire/recurring", null));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(host, HttpMethod.Get, "/hangfire/recurring", Credentials.Basic(Credentials.ViewerUser, "wrong")));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(host, HttpMethod.Get, "/hangfire/recurring", Credentials.Basic("nobody", Credentials.ViewerPassword)));

        using var viewerPage = await host.Http.SendAsync(Credentials.Remote(HttpMethod.Get, "/hangfire/recurring", Credentials.Basic(Credentials.ViewerUser, Credentials.ViewerPassword)));
        using var adminPage = await host.Http.SendAsync(Credentials.Remote(HttpMethod.Get, "/hangfire/recurring", Credentials.Basic(Credentials.AdminUser, Credentials.AdminPassword)));
        var viewerHtml = await viewerPage.Content.ReadAsStringAsync();
        var adminHtml = await adminPage.Content.ReadAsStringAsync();
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (viewerPage.StatusCode, adminPage.StatusCode));
        Assert.Contains("robots", viewerHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("recurring/trigger", viewerHtml, StringComparison.Ordinal);
        Assert.Contains("recurring/trigger", adminHtml, StringComparison.Ordinal);

        // As a browser does: open the page, then post its button with the page's antiforgery token.
        using var viewer = new DashboardBrowser(Credentials.Basic(Credentials.ViewerUser, Credentials.ViewerPassword), remote: true);
        await viewer.OpenAsync(host.BaseUrl + "/hangfire/recurring");
        Assert.NotEqual(HttpStatusCode.NoContent, await viewer.PostAsync(host.BaseUrl + "/hangfire/recurring/trigger", "robots"));
        Assert.Equal(0, await host.ScalarAsync<long>("SELECT count(*) FROM hangfire.job"));

        using var admin = new DashboardBrowser(Credentials.Basic(Credentials.AdminUser, Credentials.AdminPassword), remote: true);
        await admin.OpenAsync(host.BaseUrl + "/hangfire/recurring");
        var adminTrigger = await admin.PostAsync(host.BaseUrl + "/hangfire/recurring/trigger", "robots");
        Assert.Equal(HttpStatusCode.NoContent, adminTrigger);
        Assert.Equal(1, await host.ScalarAsync<long>("SELECT count(*) FROM hangfire.job"));
    }

    [Fact]
    public async Task Api_TriggerAndPause_NeedAnAdminToken_ReadEndpointsOpenByDefault()
    {
        await using var host = await CollectorHost.StartAsync(config, settings: Credentials.Settings());
        await host.WaitForRecurringAsync(new Dictionary<string, string> { ["robots"] = "0 2 * * *" });

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(host, HttpMethod.Post, "/api/sources/robots/pause?reason=x", null));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(host, HttpMethod.Post, "/api/sources/robots/pause?reason=x", Credentials.Bearer("not-a-token")));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(host, HttpMethod.Post, "/api/sources/robots/pause?reason=x", Credentials.Bearer(Credentials.ReadToken)));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(host, HttpMethod.Post, "/api/sources/robots/trigger", Credentials.Basic(Credentials.ViewerUser, Credentials.ViewerPassword)));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(host, HttpMethod.Post, "/api/sources/robots/trigger", Credentials.Bearer(Credentials.ReadToken)));
        Assert.Equal(0, await host.ScalarAsync<long>("SELECT count(*) FROM source_control"));
        Assert.Equal(0, await host.ScalarAsync<long>("SELECT count(*) FROM hangfire.job"));

        Assert.Equal(HttpStatusCode.Accepted, await StatusAsync(host, HttpMethod.Post, "/api/sources/robots/trigger", Credentials.Bearer(Credentials.AdminToken)));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, HttpMethod.Post, "/api/sources/robots/pause?reason=x", Credentials.Bearer(Credentials.AdminToken)));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, HttpMethod.Post, "/api/sources/robots/resume", Credentials.Basic(Credentials.AdminUser, Credentials.AdminPassword)));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, HttpMethod.Get, "/api/sources", null));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, HttpMethod.Get, "/metrics", null));
    }

    [Fact]
    public async Task Api_ClosedReadApi_NeedsAUserOrTokenOfEitherRole_HealthStaysOpen()
    {
        await using var host = await CollectorHost.StartAsync(config, settings: Credentials.Settings(openReadApi: false));

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(host, HttpMethod.Get, "/api/sources", null));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(host, HttpMethod.Get, "/metrics", null));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(host, HttpMethod.Get, "/api/config/errors", null));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, HttpMethod.Get, "/api/sources", Credentials.Bearer(Credentials.ReadToken)));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, HttpMethod.Get, "/metrics", Credentials.Basic(Credentials.ViewerUser, Credentials.ViewerPassword)));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, HttpMethod.Get, "/api/indicators", Credentials.Bearer(Credentials.AdminToken)));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, HttpMethod.Get, "/healthz", null));
    }

    private static async Task<HttpStatusCode> StatusAsync(CollectorHost host, HttpMethod method, string path, System.Net.Http.Headers.AuthenticationHeaderValue? authorization)
    {
        using var response = await host.Http.SendAsync(Credentials.Remote(method, path, authorization));
        return response.StatusCode;
    }
}
