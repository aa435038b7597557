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
        if (security.Value.LocalDashboardAccess && IsLocal(http.Connection))
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
    /// Local means the caller is this machine: a loopback address, or our own address. Behind a trusted proxy
    /// the forwarded-headers middleware has already replaced the proxy's address with the client's.
    /// </summary>
    public static bool IsLocal(ConnectionInfo connection) =>
        connection.RemoteIpAddress is { } remote && (IPAddress.IsLoopback(remote) || remote.Equals(connection.LocalIpAddress));
}
