using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Sources;

namespace WuzhongCollector.Core.Tests.Sources;

/// <summary>
/// Source files written by an attacker or a careless admin: paths out of the config folder (written or through
/// links), YAML that expands without end, oversized files, URLs that are not HTTP or that call the service itself.
/// Each is a config error naming the file, line and field.
/// </summary>
public sealed class HostileSourceFileTests : IDisposable
{
    private static readonly IndicatorCatalogue Catalogue = CatalogueLoader.Load(Path.Combine(RepoPaths.Config, "catalogue.yaml")).Catalogue!;

    private readonly string temp = Directory.CreateTempSubdirectory("wuzhong-hostile-").FullName;

    public HostileSourceFileTests()
    {
        Directory.CreateDirectory(Config);
        Directory.CreateDirectory(Outside);
        File.WriteAllText(Path.Combine(Outside, "secret.csv"), "指标名称,期别,数值\n");
    }

    private string Config => Path.Combine(temp, "config");

    private string Outside => Path.Combine(temp, "outside");

    public void Dispose() => Directory.Delete(temp, recursive: true);

    private SourceChecks Checks(params string[] allowed) => new(new DataRoots(Config, allowed), [5080]);

    private static string FileSource(string fileBlock) => $$"""
        kind: csv
        schedule: { cron: "0 2 * * *" }
        file:
          {{fileBlock}}
        mapping: { indicator: { const: STAR_CLOUD_ENTERPRISES }, period: 期别, value: 数值 }
        """;

    private static string HttpSource(string url) => $$"""
        kind: http-json
        schedule: { cron: "0 2 * * *" }
        http:
          url: "{{url}}"
          records: data
        mapping: { indicator: { const: BASE_STATIONS_5G }, period: period, value: value }
        """;

    [Theory]
    [InlineData("path: /etc/passwd", "file.path", "'/etc/passwd' leads to /etc/passwd, outside the config folder")]
    [InlineData("path: ../outside/secret.csv", "file.path", "'../outside/secret.csv' leads to {outside}/secret.csv, outside the config folder")]
    [InlineData("path: exports/../../outside/secret.csv", "file.path", "'exports/../../outside/secret.csv' leads to {outside}/secret.csv, outside the config folder")]
    [InlineData("dropFolder: /etc", "file.dropFolder", "'/etc' leads to /etc, outside the config folder")]
    public void Parse_PathOutsideTheConfigFolder_IsAConfigErrorNamingTheField(string fileBlock, string field, string message)
    {
        var (source, errors) = SourceFileLoader.Parse("x", "x.yaml", FileSource(fileBlock), Catalogue, checks: Checks());

        Assert.Null(source);
        var error = Assert.Single(errors);
        Assert.Equal(("x.yaml", 4, field), (error.File, error.Line, error.Field));
        Assert.StartsWith(message.Replace("{outside}", Outside, StringComparison.Ordinal), error.Message, StringComparison.Ordinal);
        Assert.EndsWith("add its folder to Collector:AllowedDataRoots to read it", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("path: linked/secret.csv")]
    [InlineData("dropFolder: linked")]
    [InlineData("path: inbox/secret.csv")]
    [InlineData("path: inbox/../linked/secret.csv")]
    public void Parse_PathThroughASymbolicLinkToOutside_IsAConfigError(string fileBlock)
    {
        // A folder link inside config to a folder outside it, and a file link to a file outside it.
        Directory.CreateSymbolicLink(Path.Combine(Config, "linked"), Outside);
        Directory.CreateDirectory(Path.Combine(Config, "inbox"));
        File.CreateSymbolicLink(Path.Combine(Config, "inbox", "secret.csv"), Path.Combine(Outside, "secret.csv"));

        var (source, errors) = SourceFileLoader.Parse("x", "x.yaml", FileSource(fileBlock), Catalogue, checks: Checks());

        Assert.Null(source);
        Assert.Contains($"outside the config folder", Assert.Single(errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PathInAnAllowedRoot_OrInsideConfig_IsAccepted()
    {
        Directory.CreateSymbolicLink(Path.Combine(Config, "linked"), Outside);

        Assert.Empty(SourceFileLoader.Parse("x", "x.yaml", FileSource($"path: {Outside}/secret.csv"), Catalogue, checks: Checks(Outside)).Errors);
        Assert.Empty(SourceFileLoader.Parse("x", "x.yaml", FileSource("path: linked/secret.csv"), Catalogue, checks: Checks("../outside")).Errors);
        Assert.Empty(SourceFileLoader.Parse("x", "x.yaml", FileSource("dropFolder: inbox/tjj"), Catalogue, checks: Checks()).Errors);
    }

    [Fact]
    public void RealPath_ResolvesDotDotAfterTheLink_AsTheSystemDoes()
    {
        // config/linked -> outside; "linked/.." is outside's parent (temp), not config.
        Directory.CreateSymbolicLink(Path.Combine(Config, "linked"), Outside);

        Assert.Equal(temp, DataRoots.RealPath(Path.Combine(Config, "linked", "..")));
        // Lexically "linked/../outside/secret.csv" is config/outside/secret.csv; really it is outside/secret.csv.
        Assert.Equal((Path.Combine(Outside, "secret.csv"), true), new DataRoots(Config).Resolve("linked/../outside/secret.csv") is var (real, refusal) ? (real, refusal is not null) : default);
    }

    [Fact]
    public async Task Parse_AliasBomb_IsRefusedAtOnce_WithItsLine()
    {
        // 863 bytes that expand to 9^11 nodes when walked: the file that hung validate and hot reload.
        var bomb = File.ReadAllText(Path.Combine(RepoPaths.TestData, "sources", "alias-bomb.yaml"));

        // Before the fix this never returned; a minute is far beyond the milliseconds it now takes.
        var (_, errors) = await Task.Run(() => SourceFileLoader.Parse("bomb", "bomb.yaml", bomb, Catalogue)).WaitAsync(TimeSpan.FromMinutes(1));

        var error = Assert.Single(errors);
        Assert.Equal("bomb.yaml:9: (yaml): aliases (*name) expand to more than 10000 nodes; refused as a possible alias bomb", error.ToString());
    }

    [Fact]
    public void Parse_AFewAliases_StillWork()
    {
        var yaml = """
            kind: csv
            schedule: { cron: &daily "0 2 * * *" }
            file: { path: a.csv }
            mapping: { indicator: { from: 指标名称, codes: &codes { 星级上云企业: STAR_CLOUD_ENTERPRISES } }, period: p, value: v, status: { from: s, codes: *codes } }
            """;

        Assert.Empty(SourceFileLoader.Parse("aliases", "aliases.yaml", yaml, Catalogue).Errors);
    }

    [Fact]
    public void Parse_NestingWithoutEnd_IsRefusedBeforeTheTreeIsBuilt()
    {
        var yaml = "kind: csv\nx: " + new string('[', 100_000) + new string(']', 100_000) + "\n";

        var error = Assert.Single(SourceFileLoader.Parse("deep", "deep.yaml", yaml, Catalogue).Errors);

        Assert.Equal("deep.yaml:2: (yaml): nested deeper than 64 levels", error.ToString());
    }

    [Fact]
    public void Load_FileOverOneMebibyte_IsRefusedUnread()
    {
        var path = Path.Combine(Config, "big.yaml");
        File.WriteAllText(path, "name: big\n# " + new string('x', SourceFileLoader.MaxFileBytes) + "\n");

        var error = Assert.Single(SourceFileLoader.Load(path, Catalogue, Checks()).Errors);

        Assert.Equal($"big.yaml: (file): is {new FileInfo(path).Length} bytes; a source file may be at most 1024 KiB", error.ToString());
    }

    [Theory]
    [InlineData("file:///etc/passwd", "file:// URLs are not fetched; only http:// and https://")]
    [InlineData("ftp://example.org/data.json", "ftp:// URLs are not fetched; only http:// and https://")]
    [InlineData("/api/sources", "must be an absolute http:// or https:// URL")]
    [InlineData("{self}/api/sources", "{self} is for the service's own demo endpoints only ({self}/demo/…); a source may not call the service's API or dashboard")]
    [InlineData("{self}/hangfire/recurring/trigger", "{self} is for the service's own demo endpoints only ({self}/demo/…); a source may not call the service's API or dashboard")]
    [InlineData("http://x.org/?next={self}/demo/a", "{self} may only begin the url, as {self}/demo/…")]
    [InlineData("http://127.0.0.1:5080/hangfire/recurring/trigger", "127.0.0.1:5080 is this service itself; a source may not call its API or dashboard (its demo endpoints are {self}/demo/…)")]
    [InlineData("http://localhost:5080/api/sources", "localhost:5080 is this service itself; a source may not call its API or dashboard (its demo endpoints are {self}/demo/…)")]
    [InlineData("http://LocalHost.:5080/api/sources", "localhost.:5080 is this service itself; a source may not call its API or dashboard (its demo endpoints are {self}/demo/…)")]
    [InlineData("http://2130706433:5080/api/sources", "127.0.0.1:5080 is this service itself; a source may not call its API or dashboard (its demo endpoints are {self}/demo/…)")]
    [InlineData("http://[::1]:5080/api/runs", "[::1]:5080 is this service itself; a source may not call its API or dashboard (its demo endpoints are {self}/demo/…)")]
    public void Parse_UrlThatIsNotHttpOrCallsTheServiceItself_IsAConfigError(string url, string message)
    {
        var (source, errors) = SourceFileLoader.Parse("x", "x.yaml", HttpSource(url), Catalogue, checks: Checks());

        Assert.Null(source);
        Assert.Equal($"x.yaml:4: http.url: {message}", Assert.Single(errors).ToString());
    }

    [Theory]
    [InlineData("{self}/demo/opendata/gov-cloud")]
    [InlineData("http://127.0.0.1:5081/api/data")]
    [InlineData("https://data.sh.gov.cn/interface/12224/36129?key={secret:SH_KEY}")]
    [InlineData("{secret:SH_KEY}/interface/12224/36129")]
    public void Parse_HttpUrlsElsewhere_AndTheDemoMechanism_AreAccepted(string url)
    {
        Assert.Empty(SourceFileLoader.Parse("x", "x.yaml", HttpSource(url), Catalogue, environment: _ => "k", checks: Checks()).Errors);
    }
}
