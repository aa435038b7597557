using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using WuzhongCollector.Service.Web;

namespace WuzhongCollector.Service.Security;

/// <summary>
/// A password check costs about 50 ms of CPU (PBKDF2, 100,000 rounds), so guessing would also slow everyone
/// else. Each failed login (wrong password, unknown user or token, malformed credentials) counts against the
/// client's address; past <see cref="SecurityOptions.FailedLoginLimit"/> in a window, requests from it that
/// carry credentials get 429 with Retry-After before any hash is computed, until the window ends.
/// </summary>
public sealed class LoginThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string> failures;
    private readonly ILogger<LoginThrottle> logger;

    public LoginThrottle(IOptions<SecurityOptions> options, ILogger<LoginThrottle> logger)
    {
        this.logger = logger;
        var security = options.Value;
        failures = PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = security.FailedLoginLimit,
            Window = security.FailedLoginWindow,
            QueueLimit = 0,
        }));
    }

    /// <summary>Counts a failed login and logs it with the reason (never the password).</summary>
    public void Failed(HttpContext context, string? user, string reason)
    {
        var client = ClientOf(context);
        using var lease = failures.AttemptAcquire(client);
        logger.LogWarning("Failed login from {Client} as {User} on {Path}: {Reason}", client, user ?? "(token)", context.Request.Path, reason);
    }

    public void Dispose() => failures.Dispose();

    /// <summary>Before authentication: a client over its limit that sends credentials gets 429, and no hash is computed.</summary>
    public async Task CheckAsync(HttpContext context, RequestDelegate next)
    {
        if (context.Request.Headers.Authorization.Count > 0 && await RefusedAsync(context))
        {
            return;
        }

        await next(context);
    }

    /// <summary>
    /// Answers 429 with Retry-After when the client is over its limit; for logins that carry the password in a
    /// form (the /report login) rather than in the Authorization header.
    /// </summary>
    public async Task<bool> RefusedAsync(HttpContext context)
    {
        var client = ClientOf(context);
        // Zero permits asks "any left?" without using one.
        using var probe = failures.AttemptAcquire(client, 0);
        if (probe.IsAcquired)
        {
            return false;
        }

        var wait = probe.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        logger.LogWarning("Login from {Client} on {Path} refused: too many failed logins; retry after {Seconds} s", client, context.Request.Path, seconds);
        await ApiErrors.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Too many failed logins",
            $"too many failed logins from {client}; try again in {seconds.ToString(CultureInfo.InvariantCulture)} s", seconds);
        return true;
    }

    private static string ClientOf(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
