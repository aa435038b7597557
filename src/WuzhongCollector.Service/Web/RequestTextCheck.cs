namespace WuzhongCollector.Service.Web;

/// <summary>
/// Refuses control characters in the path and the query of every request, and in the dashboard's form fields,
/// before anything reads them: no parameter has a use for them, and a NUL reaching PostgreSQL is an error
/// (22021) rather than a value. Kestrel itself already refuses a NUL in the path; JSON bodies are checked by
/// <see cref="ApiParameters"/>.
/// </summary>
public static class RequestTextCheck
{
    public static WebApplication UseRequestTextCheck(this WebApplication app)
    {
        app.Use(CheckAsync);
        return app;
    }

    private static async Task CheckAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        var bad = HasControl(request.Path.Value) ? "path" : request.Query.FirstOrDefault(q => HasControl(q.Key) || q.Value.Any(HasControl)).Key;
        // Only the dashboard reads url-encoded forms; reading one elsewhere would only cost memory.
        if (bad is null && request.Path.StartsWithSegments("/hangfire") && request.HasFormContentType
            && request.ContentType!.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                // Read once here; the form is cached for whoever reads it next (Hangfire's dashboard).
                var form = await request.ReadFormAsync(context.RequestAborted);
                bad = form.FirstOrDefault(f => HasControl(f.Key) || f.Value.Any(HasControl)).Key;
            }
            catch (InvalidDataException ex)
            {
                await ApiErrors.WriteAsync(context, StatusCodes.Status400BadRequest, "Bad request", $"form: {ex.Message}");
                return;
            }
        }

        if (bad is not null)
        {
            await ApiErrors.BadParameter(Printable(bad), "control characters (such as %00) are not allowed").ExecuteAsync(context);
            return;
        }

        await next(context);
    }

    private static bool HasControl(string? text) => text is not null && text.Any(char.IsControl);

    private static string Printable(string name) => new(name.Select(c => char.IsControl(c) ? '?' : c).Take(100).ToArray());
}
