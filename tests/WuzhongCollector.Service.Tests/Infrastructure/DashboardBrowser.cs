using System.Net;
using System.Text.RegularExpressions;

namespace WuzhongCollector.Service.Tests.Infrastructure;

/// <summary>
/// What a browser does on the dashboard: keeps its cookies, reads the antiforgery token that Hangfire writes into
/// each page (meta csrf-token) and sends it back with the page's POSTs, as hangfire.js does.
/// </summary>
public sealed partial class DashboardBrowser : IDisposable
{
    private readonly HttpClient http = new(new HttpClientHandler { CookieContainer = new CookieContainer() }) { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>A browser on this machine, or, with <paramref name="remote"/>, one elsewhere (<see cref="Credentials.Remote"/>), logged in or not.</summary>
    public DashboardBrowser(System.Net.Http.Headers.AuthenticationHeaderValue? authorization = null, bool remote = false)
    {
        http.DefaultRequestHeaders.Authorization = authorization;
        if (remote)
        {
            http.DefaultRequestHeaders.Add("X-Forwarded-For", Credentials.RemoteClient);
        }
    }

    /// <summary>The token of the last page opened.</summary>
    public string Token { get; private set; } = "";

    public async Task<string> OpenAsync(string url)
    {
        var html = await http.GetStringAsync(url);
        Token = CsrfToken().Match(html).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(Token), $"no antiforgery token in {url}");
        return html;
    }

    /// <summary>A dashboard button's POST (trigger, remove, …) for one job, with the token unless told otherwise.</summary>
    public async Task<HttpStatusCode> PostAsync(string url, string jobId, bool withToken = true, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent([new KeyValuePair<string, string>("jobs[]", jobId)]) };
        if (withToken)
        {
            request.Headers.Add("RequestVerificationToken", Token);
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    public void Dispose() => http.Dispose();

    [GeneratedRegex("<meta name=\"csrf-token\" content=\"([^\"]+)\"")]
    private static partial Regex CsrfToken();
}
