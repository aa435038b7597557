using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.Extensions.Options;

namespace WuzhongCollector.Service.Security;

/// <summary>Who may use the dashboard and the API, section <c>Security</c>. Only hashes are configured, never passwords or tokens.</summary>
public sealed class SecurityOptions
{
    public const string SectionName = "Security";

    /// <summary>Requests from this machine use the dashboard as admin without credentials. <value>The default is true.</value></summary>
    public bool LocalDashboardAccess { get; set; } = true;

    /// <summary>Read endpoints (GET /api/..., /metrics) answer without credentials; if false they need a user or token. <value>The default is true.</value></summary>
    public bool OpenReadApi { get; set; } = true;

    /// <summary>Users for remote dashboard access (HTTP Basic; put TLS in front) and for a closed read API.</summary>
    public List<UserOptions> Users { get; set; } = [];

    /// <summary>Bearer tokens for the API; triggering, pausing and resuming need one with role admin.</summary>
    public List<TokenOptions> Tokens { get; set; } = [];

    /// <summary>
    /// Addresses of reverse proxies whose X-Forwarded-For is believed. Behind a proxy on this machine, set it:
    /// otherwise every proxied request comes from 127.0.0.1 and looks local. <value>The default is none.</value>
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>Failed logins (wrong password, unknown user or token) a client address may make per <see cref="FailedLoginWindow"/> before its logins get 429. <value>The default is 10.</value></summary>
    [Range(1, 10_000)]
    public int FailedLoginLimit { get; set; } = 10;

    /// <summary>The window of <see cref="FailedLoginLimit"/>. <value>The default is 1 minute.</value></summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan FailedLoginWindow { get; set; } = TimeSpan.FromMinutes(1);
}

public sealed class UserOptions
{
    public string Name { get; set; } = "";

    /// <summary>ASP.NET Core Identity's PBKDF2 hash, as printed by the <c>hash-password</c> verb.</summary>
    public string PasswordHash { get; set; } = "";

    /// <summary>
    /// admin, read-only (sees everything, cannot trigger, requeue or delete), or department (reports its own
    /// indicators at /report, nothing else). <value>The default is read-only.</value>
    /// </summary>
    public string Role { get; set; } = Roles.ReadOnly;

    /// <summary>For role department: the department (责任单位) as config/reporting.yaml and the catalogue name it, e.g. 区工信局.</summary>
    public string? Department { get; set; }
}

public sealed class TokenOptions
{
    public string Name { get; set; } = "";

    /// <summary>SHA-256 of the token, in hex, as printed by the <c>new-token</c> verb. Tokens are random, so a fast hash is enough.</summary>
    public string Sha256 { get; set; } = "";

    /// <summary>admin, read-only, or department. <value>The default is admin.</value></summary>
    public string Role { get; set; } = Roles.Admin;

    /// <summary>For role department: the department the token reports for.</summary>
    public string? Department { get; set; }
}

public static class Roles
{
    public const string Admin = "admin";
    public const string ReadOnly = "read-only";

    /// <summary>A department's user: sees and submits its own indicators at /report; no dashboard, no closed read API.</summary>
    public const string Department = "department";

    /// <summary>The claim naming a department user's department.</summary>
    public const string DepartmentClaim = "wuzhong:department";

    /// <summary>Roles of the dashboard and the read API.</summary>
    public static bool IsKnown(string role) => role is Admin or ReadOnly;

    public static bool IsValid(string role, string? department) =>
        IsKnown(role) ? string.IsNullOrWhiteSpace(department) : role == Department && !string.IsNullOrWhiteSpace(department);
}

/// <summary>Refuses to start on a malformed user, token or proxy entry rather than locking people out at run time.</summary>
public sealed class SecurityOptionsValidator : IValidateOptions<SecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityOptions options)
    {
        var errors = new List<string>();
        foreach (var user in options.Users)
        {
            if (string.IsNullOrWhiteSpace(user.Name) || !Roles.IsValid(user.Role, user.Department) || !PasswordHashes.LooksValid(user.PasswordHash))
            {
                errors.Add($"Security:Users '{user.Name}': needs a Name, a PasswordHash from 'hash-password' and Role admin, read-only, or department with its Department");
            }
        }

        foreach (var token in options.Tokens)
        {
            if (string.IsNullOrWhiteSpace(token.Name) || !Roles.IsValid(token.Role, token.Department) || token.Sha256.Length != 64 || !token.Sha256.All(Uri.IsHexDigit))
            {
                errors.Add($"Security:Tokens '{token.Name}': needs a Name, a 64-hex-digit Sha256 from 'new-token' and Role admin, read-only, or department with its Department");
            }
        }

        errors.AddRange(options.TrustedProxies.Where(p => !IPAddress.TryParse(p, out _)).Select(p => $"Security:TrustedProxies: '{p}' is not an IP address"));
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
