using System.Net;
using Hangfire;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using WuzhongCollector.Service.Reporting;

namespace WuzhongCollector.Service.Security;

public static class SecurityRegistration
{
    public const string ReadPolicy = "collector-read";
    public const string AdminPolicy = "collector-admin";

    public static IServiceCollection AddCollectorSecurity(this IServiceCollection services)
    {
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SecurityOptions>, SecurityOptionsValidator>();
        services.AddAuthentication(CollectorAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, CollectorAuthenticationHandler>(CollectorAuthenticationHandler.SchemeName, null)
            .AddCookie(ReportLogin.CookieScheme, ReportLogin.ConfigureCookie);
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "wuzhong.antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(ReadPolicy, p => p.RequireRole(Roles.Admin, Roles.ReadOnly))
            .AddPolicy(AdminPolicy, p => p.RequireRole(Roles.Admin));
        services.AddSingleton<DashboardAccess>();
        return services;
    }

    /// <summary>Forwarded headers from trusted proxies only, then authentication; before anything that checks who is calling.</summary>
    public static WebApplication UseCollectorSecurity(this WebApplication app)
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

        app.UseAuthentication();
        app.UseAuthorization();
        // Form posts (the department's report and its login) carry an antiforgery token; the middleware checks it.
        app.UseAntiforgery();
        return app;
    }

    public static WebApplication UseCollectorDashboard(this WebApplication app)
    {
        app.UseHangfireDashboard("/hangfire", new DashboardOptions
        {
            DashboardTitle = "WuzhongCollector",
            AsyncAuthorization = [app.Services.GetRequiredService<DashboardAccess>()],
            IsReadOnlyFunc = DashboardAccess.IsReadOnly,
            DisplayStorageConnectionString = false,
        });
        return app;
    }

    /// <summary>A group for read endpoints: open, or for users and tokens of either role, as Security:OpenReadApi says.</summary>
    public static RouteGroupBuilder MapReadEndpoints(this WebApplication app)
    {
        var group = app.MapGroup(string.Empty);
        if (!app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value.OpenReadApi)
        {
            group.RequireAuthorization(ReadPolicy);
        }

        return group;
    }
}
