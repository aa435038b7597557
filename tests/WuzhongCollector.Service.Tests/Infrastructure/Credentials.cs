using System.Net.Http.Headers;
using WuzhongCollector.Service.Security;

namespace WuzhongCollector.Service.Tests.Infrastructure;

/// <summary>Users and tokens for the security tests; only their hashes go into the service's settings.</summary>
public static class Credentials
{
    public const string AdminUser = "ops-admin";
    public const string AdminPassword = "吴中-admin-Pa55!";
    public const string ViewerUser = "analyst";
    public const string ViewerPassword = "viewer-pass-2023";
    /// <summary>The address of a client on another machine (a documentation address).</summary>
    public const string RemoteClient = "203.0.113.7";
    public static readonly string AdminToken = PasswordHashes.NewToken();
    public static readonly string ReadToken = PasswordHashes.NewToken();

    private static readonly string AdminHash = PasswordHashes.Hash(AdminPassword);
    private static readonly string ViewerHash = PasswordHashes.Hash(ViewerPassword);

    /// <summary>Security settings with an admin and a read-only user and token; requests forwarded by 127.0.0.1 count as remote.</summary>
    public static Dictionary<string, string?> Settings(bool openReadApi = true) => new()
    {
        ["Security:OpenReadApi"] = openReadApi ? "true" : "false",
        ["Security:TrustedProxies:0"] = "127.0.0.1",
        ["Security:Users:0:Name"] = AdminUser,
        ["Security:Users:0:PasswordHash"] = AdminHash,
        ["Security:Users:0:Role"] = "admin",
        ["Security:Users:1:Name"] = ViewerUser,
        ["Security:Users:1:PasswordHash"] = ViewerHash,
        ["Security:Users:1:Role"] = "read-only",
        ["Security:Tokens:0:Name"] = "ops",
        ["Security:Tokens:0:Sha256"] = PasswordHashes.TokenHash(AdminToken),
        ["Security:Tokens:0:Role"] = "admin",
        ["Security:Tokens:1:Name"] = "bi",
        ["Security:Tokens:1:Sha256"] = PasswordHashes.TokenHash(ReadToken),
        ["Security:Tokens:1:Role"] = "read-only",
        ["Operations:ReloadDebounce"] = "00:00:00.100",
    };

    public static AuthenticationHeaderValue Bearer(string token) => new("Bearer", token);

    public static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{user}:{password}")));

    /// <summary>
    /// A request that the service sees as coming from another machine: sent through 127.0.0.1, which the
    /// settings trust as a reverse proxy, with the client's address in X-Forwarded-For (a documentation address).
    /// </summary>
    public static HttpRequestMessage Remote(HttpMethod method, string path, AuthenticationHeaderValue? authorization = null, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add("X-Forwarded-For", RemoteClient);
        request.Headers.Authorization = authorization;
        return request;
    }
}
