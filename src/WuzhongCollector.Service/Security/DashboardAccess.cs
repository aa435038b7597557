using System.Net;
using System.Security.Claims;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace WuzhongCollector.Service.Security;

/// <summary>
/// The dashboard answers local requests (as admin) and, from elsewhere, only configured users: admins in
/// full, read-only users without trigger, requeue or delete (Hangfire's read-only mode).
/// </summary>
public sealed class DashboardAccess(IOptions<SecurityOptions> security) : IDashboardAsyncAuthorizationFilter
{
    private const string RoleKey = "wuzhong.dashboard.role";

    public async Task<bool> AuthorizeAsync(DashboardContext context)
    {
        var http = context.GetHttpContext();
        if (security.Value.LocalDashboardAccess && IsLocal(http))
        {
            http.Items[RoleKey] = Roles.Admin;
            return true;
        }

        var result = await http.AuthenticateAsync(CollectorAuthenticationHandler.SchemeName);
        if (result.Succeeded && result.Principal.FindFirstValue(ClaimTypes.Role) is { } role && Roles.IsKnown(role))
        {
            http.Items[RoleKey] = role;
            return true;
        }

        // Hangfire answers 401; the challenge makes a browser ask for the user name and password.
        http.Response.Headers.WWWAuthenticate = CollectorAuthenticationHandler.Challenge;
        return false;
    }

    public static bool IsReadOnly(DashboardContext context) => context.GetHttpContext().Items[RoleKey] as string != Roles.Admin;

    /// <summary>
    /// Local means the caller is this machine (a loopback address; behind a trusted proxy the forwarded-headers
    /// middleware has already put the client's address there) and it asked for a loopback name. A browser sends
    /// the name it resolved: a page whose own name an attacker's DNS turned into 127.0.0.1 (DNS rebinding) asks
    /// for that name, and gets no local access.
    /// </summary>
    public static bool IsLocal(HttpContext http) =>
        http.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote)
        && IsLoopbackName(http.Request.Host.Host);

    private static bool IsLoopbackName(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
