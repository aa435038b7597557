using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace WuzhongCollector.Service.Web;

/// <summary>
/// Every error is an RFC 9457 problem-details answer: a request the framework cannot bind is a 400 naming the
/// parameter, an empty 4xx (404, 405, 401, …) gets a body, a database that is out of connections or away is a
/// 503 with Retry-After, and anything else a 500 without a stack trace. Stack traces appear only on the
/// developer exception page, in Development. A bad parameter, wherever it is found, has one shape:
/// <see cref="BadParameter"/>.
/// </summary>
public static partial class ApiErrors
{
    /// <summary>How long a client should wait after a 503; short, because capacity frees up in seconds.</summary>
    public const int RetryAfterSeconds = 5;

    public static IServiceCollection AddApiErrors(this IServiceCollection services)
    {
        services.AddProblemDetails();
        // A binding failure becomes an exception with the parameter's name in its message, which is answered below,
        // instead of a bare 400 with the reason only in the log.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }

    public static WebApplication UseApiErrors(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            // Development keeps the developer exception page, which WebApplication puts in front of everything.
            app.UseExceptionHandler();
        }

        // An empty 4xx or 5xx (401, 404, 405, 415, …) gets a problem body, in JSON whatever the Accept header asks for:
        // the default would answer text/plain to a client that does not accept JSON.
        app.UseStatusCodePages(context => Results.Problem(statusCode: context.HttpContext.Response.StatusCode).ExecuteAsync(context.HttpContext));
        app.Use(AnswerKnownFailuresAsync);
        return app;
    }

    private static async Task AnswerKnownFailuresAsync(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            if (ex.StatusCode == StatusCodes.Status400BadRequest && BindingFailure().Match(ex.Message) is { Success: true } failed)
            {
                context.Response.Clear();
                await BadParameter(failed.Groups["name"].Value, ex.Message).ExecuteAsync(context);
            }
            else
            {
                await WriteAsync(context, ex.StatusCode, "Bad request", ex.Message);
            }
        }
        // Transient: no free connection in the pool (Npgsql timed out waiting), the server is unreachable, out of
        // connections or starting up. The caller may retry; nothing about the request was wrong.
        catch (NpgsqlException ex) when (!context.Response.HasStarted && ex.IsTransient)
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ApiErrors))
                .LogWarning("{Method} {Path}: the database is busy or away ({Error}); answered 503", context.Request.Method, context.Request.Path, ex.Message);
            await WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Service busy", "the database is busy or unreachable; try again shortly", RetryAfterSeconds);
        }
    }

    /// <summary>
    /// A 400 problem naming the parameter: title "Bad parameter", detail "name: problem", and the name as the key
    /// of <c>errors</c> (ASP.NET's validation-problem shape), so a client finds the parameter in one place whichever
    /// check refused it.
    /// </summary>
    public static IResult BadParameter(string name, string problem)
    {
        name = name.Length == 0 ? "(no name)" : name.Length > 100 ? name[..100] + "…" : name;
        return Results.ValidationProblem(new Dictionary<string, string[]> { [name] = [problem] }, detail: $"{name}: {problem}", title: "Bad parameter");
    }

    /// <summary>How minimal APIs word a value they cannot bind: <c>Failed to bind parameter "int? limit" from "ten".</c></summary>
    [GeneratedRegex("""^Failed to bind parameter "(?:[^"]* )?(?<name>[^" ]+)" from""")]
    private static partial Regex BindingFailure();

    public static Task WriteAsync(HttpContext context, int status, string title, string detail, int? retryAfterSeconds = null)
    {
        context.Response.Clear();
        context.Response.StatusCode = status;
        if (retryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        return Results.Problem(detail, statusCode: status, title: title).ExecuteAsync(context);
    }
}
