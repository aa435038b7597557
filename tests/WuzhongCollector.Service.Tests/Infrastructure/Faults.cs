using System.Text;

namespace WuzhongCollector.Service.Tests.Infrastructure;

/// <summary>
/// What the fault-injecting loopback server can do to a call. <see cref="Script"/> plays one step per call,
/// repeating the last, so "503, then 500, then OK" is <c>Script(Status(503), Status(500), Ok(json))</c>.
/// </summary>
public static class Faults
{
    public delegate Task Step(HttpContext context);

    public static Func<int, HttpContext, Task> Script(params Step[] steps) =>
        (call, context) => steps[Math.Min(call, steps.Length) - 1](context);

    public static Step Ok(string json, string contentType = "application/json; charset=utf-8") => context =>
    {
        context.Response.ContentType = contentType;
        return context.Response.WriteAsync(json);
    };

    public static Step Status(int status, string? retryAfter = null, string body = "", string contentType = "application/json") => context =>
    {
        context.Response.StatusCode = status;
        if (retryAfter is not null)
        {
            context.Response.Headers.RetryAfter = retryAfter;
        }

        context.Response.ContentType = contentType;
        return context.Response.WriteAsync(body);
    };

    /// <summary>Accepts the connection and never answers, until the client gives up.</summary>
    public static Step Hang => async context =>
    {
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
        }
    };

    /// <summary>Drops the connection before any answer.</summary>
    public static Step Reset => context =>
    {
        context.Abort();
        return Task.CompletedTask;
    };

    /// <summary>
    /// Ends the answer after half of the JSON, as a proxy or a close-delimited answer cut short does: the
    /// HTTP exchange completes, the body is a valid but unfinished JSON prefix.
    /// </summary>
    public static Step Truncated(string json) => async context =>
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(bytes.AsMemory(0, bytes.Length / 2));
    };

    /// <summary>Answers at once, then sends the body one byte at a time, far slower than any attempt timeout allows.</summary>
    public static Step SlowDrip(string json, TimeSpan everyByte) => async context =>
    {
        context.Response.ContentType = "application/json";
        try
        {
            foreach (var b in Encoding.UTF8.GetBytes(json))
            {
                await context.Response.Body.WriteAsync(new[] { b }, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(everyByte, context.RequestAborted);
            }
        }
        catch (OperationCanceledException)
        {
        }
    };

    /// <summary>A maintenance or login page with status 200, as portals send.</summary>
    public static Step Html => Ok("<!DOCTYPE html><html><head><title>系统维护中</title></head><body>系统维护中，请稍后访问</body></html>", "text/html; charset=utf-8");

    /// <summary>A JSON array of about <paramref name="bytes"/> bytes, with or without Content-Length.</summary>
    public static Step Large(int bytes, bool declareLength) => async context =>
    {
        var row = Encoding.UTF8.GetBytes("""{"indicator":"BASE_STATIONS_5G","period":"2021","value":"1"},""");
        var rows = bytes / row.Length;
        context.Response.ContentType = "application/json";
        if (declareLength)
        {
            context.Response.ContentLength = 2 + (rows * row.Length) - 1;
        }

        await context.Response.Body.WriteAsync("["u8.ToArray());
        for (var i = 0; i < rows; i++)
        {
            await context.Response.Body.WriteAsync(i == rows - 1 ? row.AsMemory(0, row.Length - 1) : row, context.RequestAborted);
        }

        await context.Response.Body.WriteAsync("]"u8.ToArray());
    };
}
