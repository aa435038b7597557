
namespace WuzhongCollector.Service.Tests.Collection.Connectors;

public sealed class RunRow
{
    public long Id { get; init; }

    public int Attempt { get; init; }

    public string Outcome { get; init; } = "";

    public string? FailureClass { get; init; }

    public int Calls { get; init; }

    public string[] Retries { get; init; } = [];

    public string? Error { get; init; }

    public string? Origin { get; init; }
}

/// <summary>What the database holds, to prove a failed run wrote nothing and lost nothing.</summary>
public sealed record Stored(string Observations, long Rejects, long Payloads);

/// <summary>The real service against a fault-injecting loopback server, on a clock the test steps.</summary>
public sealed class HttpSourceHarness : IAsyncDisposable
{
    public const string Seed = """{"data":[{"indicator":"BASE_STATIONS_5G","period":"2021","value":"3120"},{"indicator":"BASE_STATIONS_5G","period":"2022","value":"4215"}]}""";
    public const string Revised = """{"data":[{"indicator":"BASE_STATIONS_5G","period":"2021","value":"3120"},{"indicator":"BASE_STATIONS_5G","period":"2022","value":"4230"}]}""";

    /// <summary>Retries with no backoff (a Retry-After still counts), 5 s per attempt on the fake clock.</summary>
    public const string FastRetries = "{ attemptTimeoutSeconds: 5, totalTimeoutSeconds: 60, maxRetries: 2, baseDelaySeconds: 0, maxRetryAfterSeconds: 30, breakSeconds: 900 }";

    private readonly TestConfig config = new();

    private HttpSourceHarness(LoopbackServer server) => Server = server;

    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(5);

    public LoopbackServer Server { get; }

    public SteppedTime Time { get; } = new();

    public CollectorHost Host { get; private set; } = null!;

    public TestConfig Config => config;

    /// <summary>Starts the server and the service with one source "src"; <c>http</c> is the http block after url, with {server} for the loopback address.</summary>
    public static async Task<HttpSourceHarness> StartAsync(
        Func<int, HttpContext, Task> handler,
        string http = "  records: data",
        string kind = "http-json",
        string mapping = "  indicator: indicator\n  period: period\n  value: value",
        IDictionary<string, string?>? settings = null,
        string resilience = FastRetries,
        bool realTime = false,
        IEnumerable<string>? moreSources = null)
    {
        var server = await LoopbackServer.StartAsync(handler);
        var harness = new HttpSourceHarness(server);
        foreach (var id in moreSources?.Prepend("src") ?? ["src"])
        {
            harness.WriteSource(id, kind, http, mapping, resilience);
        }

        var all = new Dictionary<string, string?> { ["Collector:Http:RequestsPerSecondPerHost"] = "1000" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        harness.Host = await CollectorHost.StartAsync(harness.config, settings: all, timeProvider: realTime ? null : harness.Time);
        return harness;
    }

    public void WriteSource(string id, string kind, string http, string mapping, string resilience = FastRetries, string url = "{server}/api/data") =>
        config.WriteSource(id, $"""
            name: {id} (loopback)
            kind: {kind}
            schedule: {"{"} cron: "0 * * * *" {"}"}
            http:
              url: "{url.Replace("{server}", Server.BaseUrl, StringComparison.Ordinal)}"
            {http.Replace("{server}", Server.BaseUrl, StringComparison.Ordinal)}
              resilience: {resilience}
            mapping:
            {mapping}
            """);

    public Task<RunSummary> CollectAsync(string source = "src") => Host.CollectAsync(source);

    public async Task<RunRow> LastRunAsync(string source = "src") =>
        (await RunsAsync(source))[^1];

    public async Task<List<RunRow>> RunsAsync(string source = "src") =>
        (await Host.QueryAsync<RunRow>("""
            SELECT id AS Id, attempt AS Attempt, outcome AS Outcome, failure_class AS FailureClass, calls AS Calls, retries AS Retries, error AS Error, origin AS Origin
            FROM run WHERE source_id = @source ORDER BY id
            """, new { source })).ToList();

    public async Task<Stored> StoredAsync() => new(
        string.Join("; ", await Host.QueryAsync<string>("SELECT indicator_code || ' ' || area_code || ' ' || period || ' v' || vintage || ' = ' || value::text FROM observation ORDER BY 1")),
        await Host.ScalarAsync<long>("SELECT count(*) FROM reject"),
        await Host.ScalarAsync<long>("SELECT count(*) FROM payload"));

    public async ValueTask DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        await Server.DisposeAsync();
        config.Dispose();
    }
}
