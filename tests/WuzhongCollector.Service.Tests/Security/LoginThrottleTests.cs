using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace WuzhongCollector.Service.Tests.Security;

/// <summary>Issue 12: 200 wrong Basic-auth passwords cost 9.4 s of CPU (a PBKDF2 hash each) and slowed every other request.</summary>
public sealed partial class LoginThrottleTests : IDisposable
{
    private const string Guesser = "203.0.113.66";
    private const string Colleague = "198.51.100.9";

    private readonly TestConfig config = new();

    public void Dispose() => config.Dispose();

    [Fact]
    public async Task WrongPasswords_FromOneClient_Get429WithRetryAfter_WithoutAHash_OthersLogIn_EachFailureLoggedWithItsReason()
    {
        var logs = new CapturedLogs();
        var settings = Credentials.Settings();
        settings["Security:FailedLoginLimit"] = "5";
        await using var host = await CollectorHost.StartAsync(config, settings: settings, configure: b => b.Logging.AddProvider(logs));

        var guesses = new List<HttpResponseMessage>();
        for (var i = 0; i < 12; i++)
        {
            guesses.Add(await SendAsync(host, Guesser, Credentials.Basic(Credentials.AdminUser, $"guess-{i}")));
        }

        using var rightPasswordTooLate = await SendAsync(host, Guesser, Credentials.Basic(Credentials.AdminUser, Credentials.AdminPassword));
        using var unknownUser = await SendAsync(host, Colleague, Credentials.Basic("nobody", "x"));
        using var colleague = await SendAsync(host, Colleague, Credentials.Basic(Credentials.AdminUser, Credentials.AdminPassword));

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 5).Concat(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 7)), guesses.Select(g => g.StatusCode));
        Assert.All(guesses.Skip(5), g => Assert.True(g.Headers.RetryAfter?.Delta > TimeSpan.Zero, "429 without Retry-After"));
        Assert.Equal("application/problem+json", guesses[^1].Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.TooManyRequests, rightPasswordTooLate.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknownUser.StatusCode);
        Assert.Equal(HttpStatusCode.OK, colleague.StatusCode);

        // One failure line per hash computed: the throttled attempts computed none.
        var failures = logs.Entries.Where(e => e.Level == LogLevel.Warning && e.Text.StartsWith("Failed login from", StringComparison.Ordinal)).Select(e => e.Text).ToList();
        Assert.Equal(5, failures.Count(f => f.StartsWith($"Failed login from {Guesser} as {Credentials.AdminUser} on /hangfire: wrong password", StringComparison.Ordinal)));
        Assert.Single(failures, f => f.StartsWith($"Failed login from {Colleague} as nobody on /hangfire: unknown user", StringComparison.Ordinal));
        Assert.Contains(logs.Entries, e => e.Text.StartsWith($"Login from {Guesser} on /hangfire refused: too many failed logins", StringComparison.Ordinal));
        Assert.DoesNotContain("guess-", logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain(Credentials.AdminPassword, logs.All, StringComparison.Ordinal);
        foreach (var guess in guesses)
        {
            guess.Dispose();
        }
    }

    [Fact]
    public async Task WrongPasswords_OnTheReportLoginForm_AreCountedLikeBasic_Get429_AndAreLoggedWithTheirReason()
    {
        var logs = new CapturedLogs();
        var settings = Credentials.Settings();
        settings["Security:FailedLoginLimit"] = "3";
        await using var host = await CollectorHost.StartAsync(config, settings: settings, configure: b => b.Logging.AddProvider(logs));
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = new Uri(host.BaseUrl) };
        var token = FormToken().Match(await browser.GetStringAsync("/report/login")).Groups[1].Value;

        async Task<HttpResponseMessage> LogInAsync(string password) => await browser.PostAsync("/report/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["user"] = Credentials.AdminUser, ["password"] = password, ["__RequestVerificationToken"] = token,
        }));

        var guesses = new List<HttpResponseMessage>();
        for (var i = 0; i < 5; i++)
        {
            guesses.Add(await LogInAsync($"guess-{i}"));
        }

        using var rightPasswordTooLate = await LogInAsync(Credentials.AdminPassword);

        Assert.All(guesses.Take(3), g => Assert.Equal("/report/login?error=1", g.Headers.Location?.OriginalString));
        Assert.All(guesses.Skip(3), g => Assert.Equal(HttpStatusCode.TooManyRequests, g.StatusCode));
        Assert.True(guesses[^1].Headers.RetryAfter?.Delta > TimeSpan.Zero, "429 without Retry-After");
        Assert.Equal(HttpStatusCode.TooManyRequests, rightPasswordTooLate.StatusCode);
        Assert.Equal(3, logs.Entries.Count(e => e.Text.StartsWith($"Failed login from 127.0.0.1 as {Credentials.AdminUser} on /report/login: wrong password", StringComparison.Ordinal)));
        Assert.DoesNotContain("guess-", logs.All, StringComparison.Ordinal);
        foreach (var guess in guesses)
        {
            guess.Dispose();
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex FormToken();

    private static Task<HttpResponseMessage> SendAsync(CollectorHost host, string client, System.Net.Http.Headers.AuthenticationHeaderValue authorization)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/hangfire");
        request.Headers.Add("X-Forwarded-For", client);
        request.Headers.Authorization = authorization;
        return host.Http.SendAsync(request);
    }
}
