using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace WuzhongCollector.Service.Tests.Infrastructure;

/// <summary>A real HTTP server on 127.0.0.1 standing in for a remote open-data endpoint; counts calls.</summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private WebApplication? app;
    private int calls;

    public string BaseUrl { get; private set; } = "";

    public int Calls => Volatile.Read(ref calls);

    /// <summary>Starts a server whose handler gets the 1-based call number.</summary>
    public static async Task<LoopbackServer> StartAsync(Func<int, HttpContext, Task> handler)
    {
        var server = new LoopbackServer();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        server.app = builder.Build();
        server.app.Run(context => handler(Interlocked.Increment(ref server.calls), context));
        await server.app.StartAsync();
        server.BaseUrl = server.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return server;
    }

    public static Task Json(HttpContext context, string json, int status = 200)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(json);
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
