using WuzhongCollector.Service.Web;

namespace WuzhongCollector.Service.Security;

/// <summary>
/// A page on any other site can make the browser send a POST here, with the user's cookies, cached Basic
/// credentials and, on this machine, local dashboard access. So every state-changing request (any method but
/// GET, HEAD, OPTIONS and TRACE: the dashboard's buttons, trigger, pause, resume, uploads) is refused when the
/// browser says it comes from elsewhere: <c>Sec-Fetch-Site</c> other than <c>same-origin</c> or <c>none</c>, or an
/// <c>Origin</c> that is not this service's own scheme, host and port. Scripts send neither header and are
/// judged by their credentials alone. The dashboard also checks an antiforgery token.
/// </summary>
public static class CrossSiteRequests
{
    public static WebApplication UseCrossSiteRequestCheck(this WebApplication app)
    {
        app.Use(CheckAsync);
        return app;
    }

    private static string? Refusal(HttpRequest request)
    {
        var method = request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method))
        {
            return null;
        }

        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site is not ("same-origin" or "none"))
        {
            return $"the browser says this request comes from another site (Sec-Fetch-Site: {site})";
        }

        var origin = request.Headers.Origin.ToString();
        return origin.Length > 0 && !IsOwnOrigin(origin, request)
            ? $"Origin '{origin}' is not this service ({request.Scheme}://{request.Host})"
            : null;
    }

    /// <summary>Scheme, host and port, as the browser's Origin and the request's Host (after trusted forwarding) say.</summary>
    private static bool IsOwnOrigin(string origin, HttpRequest request) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var claimed) && claimed.AbsolutePath == "/"
        && Uri.TryCreate($"{request.Scheme}://{request.Host}", UriKind.Absolute, out var own)
        && claimed.Scheme == own.Scheme && string.Equals(claimed.IdnHost, own.IdnHost, StringComparison.OrdinalIgnoreCase) && claimed.Port == own.Port;

    private static async Task CheckAsync(HttpContext context, RequestDelegate next)
    {
        if (Refusal(context.Request) is { } reason)
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CrossSiteRequests))
                .LogWarning("Refused {Method} {Path} from {Client}: {Reason}", context.Request.Method, context.Request.Path, context.Connection.RemoteIpAddress, reason);
            await ApiErrors.WriteAsync(context, StatusCodes.Status403Forbidden, "Cross-site request refused", reason);
            return;
        }

        await next(context);
    }
}
