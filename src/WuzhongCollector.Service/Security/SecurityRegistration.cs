using System.Globalization;
using System.Net;
using Hangfire;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using Npgsql;
using WuzhongCollector.Service.Reporting;
using WuzhongCollector.Service.Web;

namespace WuzhongCollector.Service.Security;

public static class SecurityRegistration
{
    public const string ReadPolicy = "collector-read";
    public const string AdminPolicy = "collector-admin";

    /// <summary>The key of the dashboard's <see cref="JobStorage"/>, which reads through a connection pool of its own.</summary>
    public const string DashboardStorage = "dashboard";

    public static IServiceCollection AddCollectorSecurity(this IServiceCollection services)
    {
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<SecurityOptions>, SecurityOptionsValidator>();
        services.AddAuthentication(CollectorAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, CollectorAuthenticationHandler>(CollectorAuthenticationHandler.SchemeName, null)
            .AddCookie(ReportLogin.CookieScheme, ReportLogin.ConfigureCookie);
        services.AddAuthorizationBuilder()
            .AddPolicy(ReadPolicy, p => p.RequireRole(Roles.Admin, Roles.ReadOnly))
            .AddPolicy(AdminPolicy, p => p.RequireRole(Roles.Admin));
        services.AddSingleton<DashboardAccess>();
        services.AddSingleton<LoginThrottle>();

        // Hangfire's dashboard checks antiforgery tokens once the service is registered. The key ring that signs them
        // lives in PostgreSQL under one application name, so every instance on the database accepts the others' tokens.
        services.AddDataProtection().SetApplicationName("WuzhongCollector");
        services.AddOptions<KeyManagementOptions>().Configure<NpgsqlDataSource>((o, db) => o.XmlRepository = new DataProtectionKeyStore(db));
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "WuzhongCollector.Antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        return services;
    }

    /// <summary>Forwarded headers from trusted proxies only; before anything that looks at who is calling.</summary>
    public static WebApplication UseTrustedForwardedHeaders(this WebApplication app)
    {
        var security = app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value;
        if (security.TrustedProxies.Count > 0)
        {
            var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
            // ASP.NET Core trusts loopback by default; trust exactly the configured proxies instead.
            forwarded.KnownIPNetworks.Clear();
            forwarded.KnownProxies.Clear();
            foreach (var proxy in security.TrustedProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            }

            app.UseForwardedHeaders(forwarded);
        }

        return app;
    }

    public static WebApplication UseLoginThrottle(this WebApplication app)
    {
        app.Use(app.Services.GetRequiredService<LoginThrottle>().CheckAsync);
        return app;
    }

    public static WebApplication UseCollectorDashboard(this WebApplication app)
    {
        app.Use(DashboardJobIds.CheckAsync);
        app.Use(SayTheDashboardsLanguageAsync);
        app.UseHangfireDashboard("/hangfire", new DashboardOptions
        {
            DashboardTitle = "WuzhongCollector",
            AsyncAuthorization = [app.Services.GetRequiredService<DashboardAccess>()],
            IsReadOnlyFunc = DashboardAccess.IsReadOnly,
            DisplayStorageConnectionString = false,
        }, app.Services.GetRequiredKeyedService<JobStorage>(DashboardStorage));
        return app;
    }

    /// <summary>
    /// Hangfire writes the UI culture's two-letter name into <c>&lt;html lang&gt;</c>; on a server without a locale
    /// (LANG=C) that is the invariant culture's "iv". Its text is then Hangfire's neutral English, so the page says
    /// "en". Only the UI culture of dashboard requests changes: numbers and dates keep the process's culture, and a
    /// real locale (zh_CN.UTF-8, whose Chinese text Hangfire ships) is left to Hangfire.
    /// </summary>
    private static async Task SayTheDashboardsLanguageAsync(HttpContext context, RequestDelegate next)
    {
        if (context.Request.Path.StartsWithSegments("/hangfire") && CultureInfo.CurrentUICulture.Equals(CultureInfo.InvariantCulture))
        {
            CultureInfo.CurrentUICulture = English;
        }

        await next(context);
    }

    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en");

    /// <summary>
    /// A group for read endpoints: open, or for users and tokens of either role, as Security:OpenReadApi says; their
    /// parameters are checked by <see cref="ApiParameters"/>.
    /// </summary>
    public static RouteGroupBuilder MapReadEndpoints(this WebApplication app)
    {
        var group = app.MapGroup(string.Empty).WithParameterChecks();
        if (!app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value.OpenReadApi)
        {
            group.RequireAuthorization(ReadPolicy);
        }

        return group;
    }
}
