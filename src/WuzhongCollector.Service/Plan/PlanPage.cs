using Microsoft.Extensions.FileProviders;

namespace WuzhongCollector.Service.Plan;

/// <summary>
/// The plan page at /plan. Its files, ECharts included, are embedded in the assembly at build time, so the page
/// works the same from bin/, from a published folder and in tests, and loads nothing from the internet.
/// </summary>
public static class PlanPage
{
    private const string ResourcePrefix = "WuzhongCollector.Service.Plan.Page";

    public static WebApplication MapPlanPage(this WebApplication app)
    {
        var files = new EmbeddedFileProvider(typeof(PlanPage).Assembly, ResourcePrefix);
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files, RequestPath = "/plan/assets" });
        app.MapGet("/plan", () => Results.Stream(files.GetFileInfo("plan.html").CreateReadStream(), "text/html; charset=utf-8"))
            .ExcludeFromDescription();
        return app;
    }
}
