using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using WuzhongCollector.Service.Security;

namespace WuzhongCollector.Service.Reporting;

/// <summary>Who is reporting: a department's user (or an admin) from the login cookie, or HTTP Basic / a Bearer token for scripts.</summary>
public sealed record ReportUser(string Name, string Role, string? Department)
{
    public bool IsAdmin => Role == Roles.Admin;

    /// <summary>Admins report for every department; a department's user for its own only.</summary>
    public bool MayReport(string department) => IsAdmin || (Role == Roles.Department && Department == department);
}

/// <summary>
/// The login of /report: a form checked against the same Security:Users as the dashboard (the same PBKDF2 hashes),
/// which sets an HttpOnly, SameSite=Strict cookie for 8 hours.
/// </summary>
public static class ReportLogin
{
    public const string CookieScheme = "ReportCookie";

    public static void ConfigureCookie(CookieAuthenticationOptions o)
    {
        o.Cookie.Name = "wuzhong.report";
        o.Cookie.HttpOnly = true;
        o.Cookie.SameSite = SameSiteMode.Strict;
        o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        o.ExpireTimeSpan = TimeSpan.FromHours(8);
        o.SlidingExpiration = true;
        o.LoginPath = "/report/login";
    }

    public static async Task<ReportUser?> UserAsync(HttpContext context)
    {
        foreach (var scheme in new[] { CookieScheme, CollectorAuthenticationHandler.SchemeName })
        {
            var result = await context.AuthenticateAsync(scheme);
            if (result.Succeeded && result.Principal.FindFirstValue(ClaimTypes.Role) is { } role && role is Roles.Admin or Roles.Department)
            {
                return new ReportUser(result.Principal.Identity!.Name!, role, result.Principal.FindFirstValue(Roles.DepartmentClaim));
            }
        }

        return null;
    }

    public static void MapReportLogin(this IEndpointRouteBuilder app)
    {
        app.MapGet("/report/login", (HttpContext context, IAntiforgery antiforgery, string? error) => LoginPage(context, antiforgery, error is not null))
            .ExcludeFromDescription();
        app.MapPost("/report/login", LoginAsync).ExcludeFromDescription();
        app.MapPost("/report/logout", async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieScheme);
            return Results.Redirect("/report/login");
        }).WithMetadata(new RequireAntiforgeryTokenAttribute()).ExcludeFromDescription();
    }

    private static async Task<IResult> LoginAsync(HttpContext context, IOptions<SecurityOptions> security, LoginThrottle throttle,
        [FromForm] string user, [FromForm] string password)
    {
        if (await throttle.RefusedAsync(context))
        {
            return Results.Empty;
        }

        var configured = security.Value.Users.FirstOrDefault(u => string.Equals(u.Name, user, StringComparison.Ordinal));
        if (!PasswordHashes.Verify(configured?.PasswordHash, password))
        {
            throttle.Failed(context, user, configured is null ? "unknown user" : "wrong password");
            return Results.Redirect("/report/login?error=1");
        }

        if (configured!.Role is not (Roles.Admin or Roles.Department))
        {
            throttle.Failed(context, user, $"role {configured.Role} does not report");
            return Results.Redirect("/report/login?error=1");
        }

        var principal = CollectorAuthenticationHandler.Principal(configured.Name, configured.Role, configured.Department, CookieScheme);
        await context.SignInAsync(CookieScheme, principal);
        return Results.Redirect("/report");
    }

    private static IResult LoginPage(HttpContext context, IAntiforgery antiforgery, bool failed)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var html = ReportPage.Text("login.html")
            .Replace("{{field}}", System.Net.WebUtility.HtmlEncode(tokens.FormFieldName), StringComparison.Ordinal)
            .Replace("{{token}}", System.Net.WebUtility.HtmlEncode(tokens.RequestToken), StringComparison.Ordinal)
            .Replace("{{error}}", failed ? "<p class=\"error\" id=\"login-error\">用户名或密码错误，或该用户没有填报权限。</p>" : string.Empty, StringComparison.Ordinal);
        return Results.Content(html, "text/html; charset=utf-8");
    }
}
