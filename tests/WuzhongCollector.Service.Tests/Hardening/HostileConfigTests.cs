using System.Diagnostics;
using System.Text.Json;
using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Service.Cli;
using WuzhongCollector.Service.Sources;

namespace WuzhongCollector.Service.Tests.Hardening;

/// <summary>
/// Source files that would stop hot reload for good (an alias bomb, a named pipe nobody writes to), or point a
/// source at the service itself: each becomes a config error for its own file, later edits are still picked up,
/// and /healthz says so.
/// </summary>
public sealed class HostileConfigTests : IDisposable
{
    /// <summary>The attack's file: 863 bytes whose aliases expand to 9^11 nodes. It hung hot reload and validate for good.</summary>
    private static readonly string AliasBomb = File.ReadAllText(Path.Combine(TestConfig.RepoRoot(), "tests/WuzhongCollector.Core.Tests/TestData/sources/alias-bomb.yaml"));

    private readonly TestConfig config = new();

    public HostileConfigTests() => config.WriteFile("exports/robots.csv", Samples.RobotsCsv);

    public void Dispose() => config.Dispose();

    [Fact]
    public async Task Validate_AliasBomb_IsAnErrorAtOnce()
    {
        config.WriteSource("bomb", AliasBomb);
        var output = new StringWriter();

        var exit = await CliCommands.RunAsync(["validate"], output, CancellationToken.None, new Dictionary<string, string?> { ["Collector:ConfigDirectory"] = config.Directory })
            .WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(1, exit);
        Assert.StartsWith("bomb.yaml:9: (yaml): aliases (*name) expand to more than 10000 nodes; refused as a possible alias bomb", output.ToString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// The alias bomb, and a named pipe that blocks whoever opens it: each is reported for its file, and an edit
    /// made after them is still picked up. Before, the first hung the reload for good (and /healthz said Healthy).
    /// </summary>
    [Fact]
    public async Task Watcher_AliasBombAndAPipeThatNeverDelivers_AreReported_AndLaterEditsStillApply()
    {
        config.WriteSource("robots", Samples.RobotsSource);
        await using var host = await CollectorHost.StartAsync(config, settings: Samples.Fast(("Collector:SourceFileTimeout", "00:00:02")));
        await host.WaitForRecurringAsync(new Dictionary<string, string> { ["robots"] = "0 2 * * *" });
        Assert.Equal(863, System.Text.Encoding.UTF8.GetByteCount(AliasBomb));

        config.WriteSource("bomb", AliasBomb);
        await WaitForErrorAsync(host, "bomb.yaml");
        MakeFifo(Path.Combine(config.Sources, "pipe.yaml"));
        await WaitForErrorAsync(host, "pipe.yaml");
        config.WriteSource("robots", Samples.RobotsSource.Replace("0 2 * * *", "0 4 * * *", StringComparison.Ordinal));
        config.WriteSource("robots-2", Samples.RobotsSource);

        await host.WaitForRecurringAsync(new Dictionary<string, string> { ["robots"] = "0 4 * * *", ["robots-2"] = "0 2 * * *" });
        var health = await host.Http.GetAsync("/healthz");
        var body = await health.Content.ReadFromJsonAsync<JsonElement>();
        var errors = (await host.Http.GetFromJsonAsync<JsonElement>("/api/config/errors")).EnumerateArray()
            .Select(e => $"{e.GetProperty("file").GetString()}: {e.GetProperty("message").GetString()}").Order(StringComparer.Ordinal).ToList();

        Assert.Equal("Degraded", body.GetProperty("status").GetString());
        Assert.Equal(
            [
                "bomb.yaml: aliases (*name) expand to more than 10000 nodes; refused as a possible alias bomb",
                "pipe.yaml: is a named pipe, not a regular file: not read",
            ],
            errors);
    }

    /// <summary>
    /// A named pipe is never opened: opening it blocks until a writer comes, so each reload left a thread waiting
    /// for good (and the pipe was reported only after the file timeout). The per-file timeout here is long, so were
    /// the pipe opened, the load would end with the timeout's error rather than hang.
    /// </summary>
    [Fact]
    public async Task LoadSources_NamedPipe_IsAnErrorNamingIt_WithoutOpeningIt_AndTheOtherSourcesLoad()
    {
        config.WriteSource("robots", Samples.RobotsSource);
        MakeFifo(Path.Combine(config.Sources, "pipe.yaml"));
        var catalogue = CatalogueLoader.Load(Path.Combine(TestConfig.RepoRoot(), "config", "catalogue.yaml")).Catalogue!;

        var (sources, errors) = await Task.Run(() => SourceRegistry.LoadSources(config.Sources, catalogue, null, TimeSpan.FromSeconds(30)))
            .WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(["robots"], sources.Keys);
        Assert.Equal("pipe.yaml: (file): is a named pipe, not a regular file: not read", Assert.Single(errors).ToString());
    }

    [Fact]
    public async Task Watcher_SourceCallingTheServiceItself_IsAConfigError_TheDemoMechanismIsNot()
    {
        config.WriteSource("robots", Samples.RobotsSource);
        await using var host = await CollectorHost.StartAsync(config, settings: Samples.Fast(("Collector:DemoEndpoints", "true")));
        await host.WaitForRecurringAsync(new Dictionary<string, string> { ["robots"] = "0 2 * * *" });
        var port = new Uri(host.BaseUrl).Port;

        config.WriteSource("trigger", Samples.Http($"http://127.0.0.1:{port}/hangfire/recurring/trigger"));
        config.WriteSource("api", Samples.Http("{self}/api/sources"));
        config.WriteSource("file", Samples.Http("file:///etc/passwd"));
        config.WriteSource("demo", Samples.Http("{self}/demo/opendata/5g-base-stations"));
        var errors = await Eventually.WaitAsync(() => host.Http.GetFromJsonAsync<JsonElement>("/api/config/errors"), e => e.GetArrayLength() >= 3, "three config errors");

        Assert.Equal(
            [
                "api.yaml:5: http.url: {self} is for the service's own demo endpoints only ({self}/demo/…); a source may not call the service's API or dashboard",
                "file.yaml:5: http.url: file:// URLs are not fetched; only http:// and https://",
                $"trigger.yaml:5: http.url: 127.0.0.1:{port} is this service itself; a source may not call its API or dashboard (its demo endpoints are {{self}}/demo/…)",
            ],
            errors.EnumerateArray().Select(e => $"{e.GetProperty("file").GetString()}:{e.GetProperty("line").GetInt32()}: {e.GetProperty("field").GetString()}: {e.GetProperty("message").GetString()}").Order(StringComparer.Ordinal));
        await host.WaitForRecurringAsync(new Dictionary<string, string> { ["robots"] = "0 2 * * *", ["demo"] = "0 * * * *" });
    }

    private static Task<JsonElement> WaitForErrorAsync(CollectorHost host, string file) =>
        Eventually.WaitAsync(() => host.Http.GetFromJsonAsync<JsonElement>("/api/config/errors"),
            e => e.EnumerateArray().Any(x => x.GetProperty("file").GetString() == file), $"a config error for {file}", TimeSpan.FromMinutes(1));

    internal static void MakeFifo(string path)
    {
        using var mkfifo = Process.Start("mkfifo", [path])!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }
}
