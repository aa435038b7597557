namespace WuzhongCollector.Service;

/// <summary>Builds the service; tests build the same thing on a loopback port.</summary>
public static class CollectorApp
{
    /// <summary>Where the service listens when no address is configured: this machine only.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public static async Task<WebApplication> BuildAsync(string[] args, Action<WebApplicationBuilder>? configure = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        if (!HasAddress(builder.Configuration))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        await builder.AddCollectorAsync(cancellationToken);
        var app = builder.Build();
        app.MapCollector();
        return app;
    }

    /// <summary>
    /// Whether any of ASP.NET Core's own ways of naming an address is used: ASPNETCORE_URLS, --urls, Urls,
    /// ASPNETCORE_HTTP_PORTS / HTTPS_PORTS, or Kestrel:Endpoints. appsettings.json sets none, so these all work.
    /// </summary>
    public static bool HasAddress(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["urls"]) || !string.IsNullOrWhiteSpace(configuration["http_ports"])
        || !string.IsNullOrWhiteSpace(configuration["https_ports"]) || configuration.GetSection("Kestrel:Endpoints").Exists();
}
