using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace WuzhongCollector.Service.Security;

/// <summary>
/// One scheme for the two kinds of credentials: HTTP Basic with a configured user (for people, in the
/// dashboard) and a Bearer token (for scripts, on the API). Either yields a principal with its role.
/// </summary>
public sealed class CollectorAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IOptions<SecurityOptions> security,
    LoginThrottle throttle) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    public const string SchemeName = "Collector";
    public const string Challenge = "Basic realm=\"WuzhongCollector\", charset=\"UTF-8\"";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var token = header["Bearer ".Length..].Trim();
            var match = security.Value.Tokens.FirstOrDefault(t => PasswordHashes.TokenMatches(t.Sha256, token));
            return Task.FromResult(match is null ? Failed(null, "unknown token") : Success("token:" + match.Name, match.Role, match.Department));
        }

        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
            }
            catch (FormatException)
            {
                return Task.FromResult(Failed(null, "malformed Basic credentials"));
            }

            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            var (name, password) = colon < 0 ? (decoded, string.Empty) : (decoded[..colon], decoded[(colon + 1)..]);
            var user = security.Value.Users.FirstOrDefault(u => string.Equals(u.Name, name, StringComparison.Ordinal));
            return Task.FromResult(PasswordHashes.Verify(user?.PasswordHash, password) ? Success(user!.Name, user.Role, user.Department) : Failed(name, user is null ? "unknown user" : "wrong password"));
        }

        return Task.FromResult(AuthenticateResult.NoResult());
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = Challenge;
        return Task.CompletedTask;
    }

    private AuthenticateResult Failed(string? user, string reason)
    {
        throttle.Failed(Context, user, reason);
        return AuthenticateResult.Fail(reason);
    }

    private AuthenticateResult Success(string name, string role, string? department) =>
        AuthenticateResult.Success(new AuthenticationTicket(Principal(name, role, department, SchemeName), SchemeName));

    /// <summary>The principal of a user or token: its name, its role and, for a department's user, its department.</summary>
    public static ClaimsPrincipal Principal(string name, string role, string? department, string scheme)
    {
        List<Claim> claims = [new(ClaimTypes.Name, name), new(ClaimTypes.Role, role)];
        if (role == Roles.Department && department is not null)
        {
            claims.Add(new Claim(Roles.DepartmentClaim, department));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }
}
