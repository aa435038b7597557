using System.Net;
using WuzhongCollector.Core.Sources;

namespace WuzhongCollector.Service.Collection.Connectors;

public static class HttpSourceRegistration
{
    /// <summary>The HTTP connectors (one per HTTP kind), their pipelines, per-host rate limits and options.</summary>
    public static IServiceCollection AddHttpSources(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<HttpSourceOptions, HttpSourceOptionsValidator>().BindConfiguration(HttpSourceOptions.SectionName);
        // Polly owns every timeout; HttpClient's own 100 s would silently cut a longer budget short.
        services.AddHttpClient(HttpJsonConnector.ClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.All, UseCookies = false, AllowAutoRedirect = false })
            // Redirects are followed by the connector, which keeps credentials on their own host (HttpJsonConnector).
            // No HttpClient logging for sources: it would write URLs, and secrets go into URLs, at any log level.
            .RemoveAllLoggers();
        services.AddSingleton<HostRateLimits>();
        services.AddSingleton<RetryAfterCooldowns>();
        services.AddSingleton<SourcePipelines>();
        foreach (var kind in SourceKinds.Http)
        {
            services.AddSingleton<ISourceConnector>(sp => ActivatorUtilities.CreateInstance<HttpJsonConnector>(sp, kind));
        }

        return services;
    }
}
