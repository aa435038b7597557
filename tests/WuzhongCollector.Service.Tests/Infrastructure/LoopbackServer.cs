using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace WuzhongCollector.Service.Tests.Infrastructure;

/// <summary>One request as the server saw it, with when it arrived after the server started.</summary>
public sealed record CapturedRequest(int Call, TimeSpan Arrival, string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>A real HTTP server on 127.0.0.1 standing in for a remote open-data endpoint; counts and keeps calls.</summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<CapturedRequest> requests = new();
    private readonly long started = Stopwatch.GetTimestamp();
    private WebApplication? app;
    private int calls;

    public string BaseUrl { get; private set; } = "";

    public int Calls => Volatile.Read(ref calls);

    public IReadOnlyList<CapturedRequest> Requests => requests.ToArray();

    /// <summary>Starts a server whose handler gets the 1-based call number.</summary>
    public static async Task<LoopbackServer> StartAsync(Func<int, HttpContext, Task> handler)
    {
        var server = new LoopbackServer();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        server.app = builder.Build();
        server.app.Run(async context =>
        {
            var call = Interlocked.Increment(ref server.calls);
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            server.requests.Enqueue(new CapturedRequest(call, Stopwatch.GetElapsedTime(server.started), context.Request.Method,
                context.Request.Path + context.Request.QueryString, context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body));
            await handler(call, context);
        });
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
