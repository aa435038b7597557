using System.Globalization;

namespace WuzhongCollector.Benchmarks;

/// <summary>Sizes of one benchmark run. The defaults are the issue's; <see cref="Smoke"/> is what CI runs.</summary>
public sealed record BenchSettings
{
    /// <summary>Rows of the department CSV and of the write-path loads.</summary>
    public int Rows { get; init; } = 1_000_000;

    /// <summary>The second size for peak memory, to show it stays flat.</summary>
    public int BigRows { get; init; } = 5_000_000;

    /// <summary>Row-by-row inserts take ~100 s per million rows, so the naive load reads only this many rows.</summary>
    public int DapperRows { get; init; } = 100_000;

    /// <summary>Timed repetitions of each write-path load; the median is reported.</summary>
    public int Repetitions { get; init; } = 3;

    public int ApiClients { get; init; } = 8;

    /// <summary>Requests per client in each warm API phase.</summary>
    public int ApiRequestsPerClient { get; init; } = 2_000;

    /// <summary>Figures of the second, bigger store the API is measured on (0: only the department dump's).</summary>
    public int ApiBigRows { get; init; } = 10_000_000;

    /// <summary>Requests of each cold API phase, each for a series or area not asked before (at most as many as there are).</summary>
    public int ApiColdRequests { get; init; } = 4_000;

    /// <summary>Series the warm phase spreads its requests over; their answers fit the cache's default size.</summary>
    public int ApiWarmSeries { get; init; } = 400;

    /// <summary>Areas the warm progress phase spreads its requests over.</summary>
    public int ApiWarmAreas { get; init; } = 8;

    public int Sources { get; init; } = 1_000;

    /// <summary>Runs of the 10-row source on the empty and on the full store; the median is reported.</summary>
    public int SmallRuns { get; init; } = 21;

    /// <summary>Queries of each kind in the read-speed comparison.</summary>
    public int ReadQueries { get; init; } = 500;

    public int RecordsPerSource { get; init; } = 12;

    /// <summary>Scenarios to run: write, e2e, memory, api, sources, load, small-run, recovery.</summary>
    public IReadOnlySet<string> Only { get; init; } = AllScenarios;

    public string? OutputPath { get; init; }

    /// <summary>Where generated files go; deleted at the end.</summary>
    public string WorkDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "wuzhong-bench-" + Guid.NewGuid().ToString("N")[..8]);

    public static readonly IReadOnlySet<string> AllScenarios = new HashSet<string>(["write", "e2e", "memory", "api", "sources", "load", "small-run", "recovery"], StringComparer.Ordinal);

    /// <summary>
    /// Tiny sizes: every code path runs in seconds; the numbers mean nothing. Without recovery: a tiny import ends
    /// before it can be killed mid-way (ProcessKillTests covers that path in the suite).
    /// </summary>
    public static BenchSettings Smoke(string workDirectory) => new()
    {
        Only = AllScenarios.Where(s => s != "recovery").ToHashSet(StringComparer.Ordinal),
        Rows = 2_400,
        BigRows = 4_800,
        DapperRows = 500,
        Repetitions = 1,
        ApiClients = 8,
        ApiRequestsPerClient = 10,
        ApiBigRows = 4_800,
        ApiColdRequests = 16,
        ApiWarmSeries = 10,
        ApiWarmAreas = 2,
        Sources = 5,
        RecordsPerSource = 3,
        SmallRuns = 3,
        ReadQueries = 20,
        WorkDirectory = workDirectory,
    };

    public bool Runs(string scenario) => Only.Contains(scenario);

    public static BenchSettings Parse(string[] args)
    {
        var settings = args.Contains("--smoke") ? Smoke(new BenchSettings().WorkDirectory) : new BenchSettings();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int NextInt() => int.Parse(Next(), NumberStyles.Integer, CultureInfo.InvariantCulture);
            settings = args[i] switch
            {
                "--smoke" => settings,
                "--rows" => settings with { Rows = NextInt() },
                "--big-rows" => settings with { BigRows = NextInt() },
                "--dapper-rows" => settings with { DapperRows = NextInt() },
                "--repetitions" => settings with { Repetitions = NextInt() },
                "--api-requests" => settings with { ApiRequestsPerClient = NextInt() },
                "--api-big-rows" => settings with { ApiBigRows = NextInt() },
                "--api-cold" => settings with { ApiColdRequests = NextInt() },
                "--sources" => settings with { Sources = NextInt() },
                "--small-runs" => settings with { SmallRuns = NextInt() },
                "--read-queries" => settings with { ReadQueries = NextInt() },
                "--only" => settings with { Only = Next().Split(',').ToHashSet(StringComparer.Ordinal) },
                "--out" => settings with { OutputPath = Path.GetFullPath(Next()) },
                _ => throw new ArgumentException($"unknown argument '{args[i]}'"),
            };
        }

        var unknown = settings.Only.Except(AllScenarios).ToList();
        return unknown.Count > 0 ? throw new ArgumentException($"unknown scenario(s): {string.Join(", ", unknown)}") : settings;
    }

    public const string Usage = """
        usage: dotnet run -c Release --project tests/WuzhongCollector.Benchmarks -- [options]
          --out FILE            also write the results as Markdown to FILE
          --only a,b            scenarios: write, e2e, memory, api, sources, load, small-run, recovery (default: all;
                                small-run is load's 10-row comparison alone, which load already includes)
          --rows N              CSV and write-path rows (default 1000000); load also runs a tenth of it
          --big-rows N          second size for peak memory and the load growth table (default 5000000)
          --dapper-rows N       rows for the naive row-by-row load (default 100000)
          --repetitions N       timed repetitions of each write-path load (default 3)
          --api-requests N      requests per API client in each warm phase (default 2000)
          --api-big-rows N      figures of the second store the API is measured on (default 10000000; 0: skip)
          --api-cold N          requests of each cold API phase (default 4000)
          --sources N           configured sources for the scheduling scenario (default 1000)
          --small-runs N        timed runs of the 10-row source on each store (default 21)
          --read-queries N      queries of each kind in the read-speed comparison (default 500)
          --smoke               tiny sizes, as CI runs it
          --help                this text
        Databases live in a private PostgreSQL cluster in /var/tmp/wuzhong-collector-bench-<hash of the checkout> (made on first use).
        """;
}
