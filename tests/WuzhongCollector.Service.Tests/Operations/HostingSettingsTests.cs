using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;

namespace WuzhongCollector.Service.Tests.Operations;

/// <summary>Issue 12: appsettings.json set Urls, so ASPNETCORE_URLS was silently ignored and the service bound 5080 anyway.</summary>
public sealed class HostingSettingsTests : IDisposable
{
    private readonly TestConfig config = new();

    public void Dispose() => config.Dispose();

    [Theory]
    [InlineData("ASPNETCORE_URLS")]
    [InlineData("--urls")]
    public async Task Service_ListensWhereTheStandardSettingSays(string setting)
    {
        var database = await TestDatabase.CreateAsync("hosting");
        var url = $"http://127.0.0.1:{FreePort()}";
        var environment = new Dictionary<string, string> { ["Urls"] = "" };
        if (setting == "ASPNETCORE_URLS")
        {
            environment["ASPNETCORE_URLS"] = url;
        }

        await using var service = ServiceProcess.Start(database.ConnectionString, config.Directory, environment, setting == "--urls" ? ["--urls", url] : null);
        await service.WaitForOutputAsync("Now listening on: " + url);
        using var http = new HttpClient();

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(url + "/healthz")).StatusCode);
    }

    [Fact]
    public async Task Service_WithNoAddressConfigured_ListensOnLoopbackPort5080()
    {
        var connectionString = await TestServer.CreateDatabaseAsync("hosting");
        await using var app = await CollectorApp.BuildAsync(["--environment=Production"], builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Collector"] = connectionString,
            ["Collector:ConfigDirectory"] = config.Directory,
        }));

        Assert.Equal("http://127.0.0.1:5080", app.Configuration["urls"]);
        Assert.True(CollectorApp.HasAddress(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["HTTP_PORTS"] = "8080" }).Build()));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
