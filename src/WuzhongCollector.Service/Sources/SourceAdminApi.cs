using Hangfire;
using WuzhongCollector.Service.Security;
using WuzhongCollector.Service.Web;

namespace WuzhongCollector.Service.Sources;

/// <summary>Admin calls on sources: trigger, pause, resume (admin token), and the config errors (read access).</summary>
public static class SourceAdminApi
{
    public sealed record PauseRequest(string? Reason);

    public static IEndpointRouteBuilder MapSourceAdminApi(this IEndpointRouteBuilder app, RouteGroupBuilder read)
    {
        var admin = app.MapGroup("/api/sources/{id}").WithTags("Admin").RequireAuthorization(SecurityRegistration.AdminPolicy).WithParameterChecks();
        admin.MapPost("/pause", PauseAsync).WithSummary("Pause a source's schedule, with a reason; it stays visible (admin token)");
        admin.MapPost("/resume", ResumeAsync).WithSummary("Lift a CLI, API or automatic pause (admin token)");
        admin.MapPost("/trigger", Trigger).WithSummary("Run a source now, outside its schedule (admin token)");
        read.MapGet("/api/config/errors", (SourceRegistry registry) => Results.Ok(registry.Errors.Select(e => new
        {
            source = SourceRegistry.SourceIdOf(e.File), e.File, e.Line, e.Field, e.Message,
            keptPrevious = registry.KeptPrevious.Contains(SourceRegistry.SourceIdOf(e.File)),
        }))).WithTags("Admin").WithSummary("Errors in config/sources files, with file, line and field");
        return app;
    }

    private static async Task<IResult> PauseAsync(string id, PauseRequest? body, string? reason, HttpContext http, SourcePauses pauses, CancellationToken cancellationToken)
    {
        var why = body?.Reason ?? reason;
        if (string.IsNullOrWhiteSpace(why))
        {
            return Results.Problem("a reason is required (JSON body {\"reason\": \"...\"} or ?reason=)", statusCode: 400);
        }

        var state = await pauses.PauseAsync(id, why, By(http), cancellationToken);
        return state is null ? Results.Problem($"no source '{id}'", statusCode: 404) : Results.Ok(state);
    }

    private static async Task<IResult> ResumeAsync(string id, HttpContext http, SourcePauses pauses, CancellationToken cancellationToken)
    {
        var state = await pauses.ResumeAsync(id, By(http), cancellationToken);
        return state is null ? Results.Problem($"no source '{id}'", statusCode: 404) : Results.Ok(state);
    }

    private static IResult Trigger(string id, SourceRegistry registry, IRecurringJobManagerV2 recurringJobs)
    {
        if (registry.Find(id) is null)
        {
            return Results.Problem($"no source '{id}' is scheduled", statusCode: 404);
        }

        var jobId = recurringJobs.TriggerJob(id);
        return Results.Accepted(value: new { source = id, jobId });
    }

    private static string By(HttpContext http) => "api:" + (http.User.Identity?.Name ?? "?");
}
