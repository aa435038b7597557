namespace WuzhongCollector.Service;

/// <summary>Builds the service; tests build the same thing on a loopback port.</summary>
public static class CollectorApp
{
    public static async Task<WebApplication> BuildAsync(string[] args, Action<WebApplicationBuilder>? configure = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        await builder.AddCollectorAsync(cancellationToken);
        var app = builder.Build();
        app.MapCollector();
        return app;
    }
}
