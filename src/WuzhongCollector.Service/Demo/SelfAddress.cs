using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using WuzhongCollector.Core.Sources;

namespace WuzhongCollector.Service.Demo;

/// <summary>
/// The service's own address. Demo sources write <c>{self}/demo/…</c> in their URL so they work on any port; no
/// source may call any other endpoint of the service, since the service would be calling as a local user, whom
/// the dashboard trusts.
/// </summary>
public sealed partial class SelfAddress
{
    public const string Placeholder = SourceUrls.Self;

    /// <summary>The URL used when none is configured.</summary>
    public const string DefaultUrls = CollectorApp.DefaultUrl;

    /// <summary>The first address Kestrel bound, known only once it listens.</summary>
    public string? BaseUrl { get; set; }

    public bool DemoEnabled { get; set; }

    /// <summary>The ports this service listens on: the configured ones at start, the bound ones once it listens.</summary>
    public IReadOnlyCollection<int> Ports { get; set; } = [];

    /// <summary>Ports in the configured URLs (<c>urls</c>, <c>ASPNETCORE_URLS</c>, <c>--urls</c>); port 0 (any free port) is learnt once bound.</summary>
    public static IReadOnlyCollection<int> ConfiguredPorts(IConfiguration configuration) =>
        PortOf().Matches(configuration["urls"] ?? configuration["ASPNETCORE_URLS"] ?? DefaultUrls)
            .Select(m => int.Parse(m.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture))
            .Where(p => p > 0)
            .ToHashSet();

    /// <summary>
    /// Why a call to <paramref name="url"/> would reach this service itself (an address of this machine on a port it
    /// listens on), or null when it would not. The demo endpoints are allowed while they are on. Names are resolved,
    /// so a DNS name or a redirect that leads back here is caught as well as 127.0.0.1.
    /// </summary>
    public async Task<string?> RefusalAsync(Uri url, CancellationToken cancellationToken)
    {
        if (!Ports.Contains(url.Port))
        {
            return null;
        }

        var path = Uri.UnescapeDataString(url.AbsolutePath);
        if (DemoEnabled && path.StartsWith(SourceUrls.DemoPath, StringComparison.Ordinal) && !path.Contains("..", StringComparison.Ordinal))
        {
            return null;
        }

        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(url.DnsSafeHost, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(url.DnsSafeHost, cancellationToken);
        }
        catch (SocketException)
        {
            // Unresolvable: the call itself fails with a connection error.
            return null;
        }

        return addresses.Any(IsThisMachine)
            ? $"{url.Authority} is this service itself; a source may not call its API or dashboard (its demo endpoints are {Placeholder}{SourceUrls.DemoPath}…)"
            : null;
    }

    private static bool IsThisMachine(IPAddress address) =>
        SourceUrls.IsLocalAddress(address)
        || NetworkInterface.GetAllNetworkInterfaces().SelectMany(n => n.GetIPProperties().UnicastAddresses).Any(u => u.Address.Equals(address));

    [GeneratedRegex(@":(?<port>\d+)(?=/|;|$)")]
    private static partial Regex PortOf();
}
