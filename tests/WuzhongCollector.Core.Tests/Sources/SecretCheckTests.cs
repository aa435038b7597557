using WuzhongCollector.Core.Sources;

namespace WuzhongCollector.Core.Tests.Sources;

public sealed class SecretCheckTests
{
    private const string Source = """
        kind: http-json
        schedule: { cron: "0 2 * * *" }
        http:
          url: "https://data.example.cn/api?key={secret:PORTAL_KEY}"
          headers:
            X-App-Secret: "{secret:APP_SECRET}"
        mapping: { indicator: a, period: b, value: c }
        """;

    [Fact]
    public void Missing_UnsetSecrets_AreReportedWithFileLineFieldAndVariable()
    {
        var errors = SecretCheck.Missing("portal.yaml", Source, _ => null);

        Assert.Equal(
            [
                "portal.yaml:4: http.url: secret 'PORTAL_KEY' is not set: set the environment variable WUZHONG_SECRET_PORTAL_KEY",
                "portal.yaml:6: http.headers.X-App-Secret: secret 'APP_SECRET' is not set: set the environment variable WUZHONG_SECRET_APP_SECRET",
            ],
            errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Missing_SetSecrets_ReportNothing()
    {
        var environment = new Dictionary<string, string> { ["WUZHONG_SECRET_PORTAL_KEY"] = "k-123", ["WUZHONG_SECRET_APP_SECRET"] = "s-456" };

        Assert.Empty(SecretCheck.Missing("portal.yaml", Source, environment.GetValueOrDefault));
    }

    [Fact]
    public void Missing_EmptyVariable_CountsAsUnset()
    {
        var errors = SecretCheck.Missing("portal.yaml", Source, name => name == "WUZHONG_SECRET_PORTAL_KEY" ? "" : "x");

        Assert.Equal("http.url", Assert.Single(errors).Field);
    }
}
