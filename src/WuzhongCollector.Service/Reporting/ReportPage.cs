using Microsoft.Extensions.FileProviders;

namespace WuzhongCollector.Service.Reporting;

/// <summary>The department's page at /report and its login, embedded in the assembly like the plan page.</summary>
public static class ReportPage
{
    private const string ResourcePrefix = "WuzhongCollector.Service.Reporting.Page";
    private static readonly EmbeddedFileProvider Files = new(typeof(ReportPage).Assembly, ResourcePrefix);

    public static string Text(string name)
    {
        using var reader = new StreamReader(Files.GetFileInfo(name).CreateReadStream());
        return reader.ReadToEnd();
    }

    public static WebApplication MapReportPage(this WebApplication app)
    {
        app.UseStaticFiles(new StaticFileOptions { FileProvider = Files, RequestPath = "/report/assets" });
        app.MapGet("/report", async (HttpContext context) => await ReportLogin.UserAsync(context) is null
                ? Results.Redirect("/report/login")
                : Results.Stream(Files.GetFileInfo("report.html").CreateReadStream(), "text/html; charset=utf-8"))
            .ExcludeFromDescription();
        return app;
    }
}
