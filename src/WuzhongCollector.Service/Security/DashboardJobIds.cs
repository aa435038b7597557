using System.Globalization;
using System.Text.RegularExpressions;
using WuzhongCollector.Service.Web;

namespace WuzhongCollector.Service.Security;

/// <summary>
/// Hangfire.PostgreSql parses a job id as a number and throws on anything else, which the dashboard answered
/// with a 500: a job id in the path (<c>/jobs/details/ID</c>, <c>/jobs/actions/requeue/ID</c>) or in the
/// <c>jobs[]</c> of a list's button that is not a number is a 404 problem instead. Recurring jobs are named,
/// and live under <c>/recurring</c>, which this leaves alone.
/// </summary>
public static partial class DashboardJobIds
{
    public static async Task CheckAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (request.Path.StartsWithSegments("/hangfire/jobs", out var rest))
        {
            var inPath = JobIdInPath().Match(rest.Value ?? string.Empty);
            string? bad;
            try
            {
                bad = inPath.Success && !IsJobId(inPath.Groups["id"].Value) ? inPath.Groups["id"].Value
                    : request.HasFormContentType ? (await request.ReadFormAsync(context.RequestAborted))["jobs[]"].FirstOrDefault(id => !IsJobId(id))
                    : null;
            }
            catch (InvalidDataException ex)
            {
                await ApiErrors.WriteAsync(context, StatusCodes.Status400BadRequest, "Bad request", $"form: {ex.Message}");
                return;
            }

            if (bad is not null)
            {
                await ApiErrors.WriteAsync(context, StatusCodes.Status404NotFound, "Not Found", $"no job '{bad[..Math.Min(bad.Length, 100)]}': job ids are numbers");
                return;
            }
        }

        await next(context);
    }

    private static bool IsJobId(string? id) => long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out _);

    [GeneratedRegex("^/(details|actions/[a-z]+)/(?<id>.*)$")]
    private static partial Regex JobIdInPath();
}
