using System.Net;

namespace WuzhongCollector.Core.Sources;

/// <summary>
/// Which URLs an HTTP source may call: http and https only, never the service itself. The one exception is the
/// documented demo mechanism: a URL beginning <c>{self}/demo/</c> calls the service's own sample endpoints, which
/// exist only while <c>Collector:DemoEndpoints</c> is on. A URL to the service's API or dashboard would make the
/// service act as a local caller (which the dashboard trusts), so it is a config error.
/// </summary>
public static class SourceUrls
{
    public const string Self = "{self}";

    public const string DemoPath = "/demo/";

    /// <summary>Why the source may not call <paramref name="url"/> (a template), or null when it may.</summary>
    public static string? Refusal(string url, IReadOnlyCollection<int> servicePorts)
    {
        if (url.StartsWith(Self, StringComparison.Ordinal))
        {
            return url.StartsWith(Self + DemoPath, StringComparison.Ordinal)
                ? null
                : $"{Self} is for the service's own demo endpoints only ({Self}{DemoPath}…); a source may not call the service's API or dashboard";
        }

        if (url.Contains(Self, StringComparison.Ordinal))
        {
            return $"{Self} may only begin the url, as {Self}{DemoPath}…";
        }

        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        var scheme = schemeEnd > 0 ? url[..schemeEnd].ToLowerInvariant() : null;
        if (url.StartsWith("{secret:", StringComparison.Ordinal))
        {
            // The address itself is a secret: it is checked when the call is made.
            return null;
        }

        if (scheme is not ("http" or "https"))
        {
            return scheme is null
                ? "must be an absolute http:// or https:// URL"
                : $"{scheme}:// URLs are not fetched; only http:// and https://";
        }

        return Uri.TryCreate(url, UriKind.Absolute, out var uri) && IsLocalName(uri.Host) && servicePorts.Contains(uri.Port)
            ? $"{uri.Authority} is this service itself; a source may not call its API or dashboard (its demo endpoints are {Self}{DemoPath}…)"
            : null;
    }

    /// <summary>A name or address that always means this machine: localhost, a loopback or an unspecified address.</summary>
    public static bool IsLocalName(string host) =>
        // "localhost." is a fully qualified localhost.
        host.TrimEnd('.') is var name && (name.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || name.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(name.Trim('[', ']'), out var address) && IsLocalAddress(address)));

    public static bool IsLocalAddress(IPAddress address)
    {
        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return IPAddress.IsLoopback(plain) || plain.Equals(IPAddress.Any) || plain.Equals(IPAddress.IPv6Any);
    }
}
