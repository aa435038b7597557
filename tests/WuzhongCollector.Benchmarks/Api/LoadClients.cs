using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace WuzhongCollector.Benchmarks.Api;

/// <summary>
/// Latencies of one phase, how many of its requests the service answered from memory, and the CPU time per
/// request of the service process and of the clients (PostgreSQL's is not counted).
/// </summary>
public sealed record Latency(
    int Requests, double P50Ms, double P99Ms, double MaxMs, double RequestsPerSecond, int Failures, long FromMemory, double ServiceCpuMs, double ClientCpuMs);

/// <summary>
/// Closed-loop clients: each sends its next request as soon as it has read the previous answer, so the
/// clients, the service and PostgreSQL all compete for the same cores.
/// </summary>
public static partial class LoadClients
{
    /// <summary>Sends requests 0 to <paramref name="requests"/> - 1, each once, from <paramref name="clients"/> clients.</summary>
    public static async Task<Latency> MeasureAsync(
        ServiceProcess service, HttpClient client, int clients, int requests, Func<int, Task<bool>> send, CancellationToken cancellationToken)
    {
        var hitsBefore = await CacheHitsAsync(client, cancellationToken);
        var serviceCpu = service.CpuTime;
        var clientCpu = Process.GetCurrentProcess().TotalProcessorTime;
        var samples = new double[requests];
        var next = -1;
        var failures = 0;
        var wall = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            for (int i; (i = Interlocked.Increment(ref next)) < requests;)
            {
                var started = Stopwatch.GetTimestamp();
                var ok = await send(i);
                samples[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (!ok)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }, cancellationToken)));
        var seconds = wall.Elapsed.TotalSeconds;
        var serviceCpuMs = (service.CpuTime - serviceCpu).TotalMilliseconds / Math.Max(1, requests);
        var clientCpuMs = (Process.GetCurrentProcess().TotalProcessorTime - clientCpu).TotalMilliseconds / Math.Max(1, requests);
        var hits = await CacheHitsAsync(client, cancellationToken) - hitsBefore;
        Array.Sort(samples);
        return new Latency(requests, Percentile(samples, 0.50), Percentile(samples, 0.99), samples[^1], requests / seconds, failures, hits, serviceCpuMs, clientCpuMs);
    }

    /// <summary>The service keeps answers only once it listens for figure changes, a moment after start.</summary>
    public static async Task WaitUntilListeningAsync(HttpClient client, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (await MetricAsync(client, "wuzhong_api_cache_listening", cancellationToken) != 1)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException("the service did not listen for figure changes within 60 s");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    public static async Task<long> CacheHitsAsync(HttpClient client, CancellationToken cancellationToken) =>
        await MetricAsync(client, "wuzhong_api_cache_lookups_total{result=\"hit\"}", cancellationToken);

    public static async Task<long> InvalidationsAsync(HttpClient client, CancellationToken cancellationToken) =>
        await MetricAsync(client, "wuzhong_api_cache_invalidations_total", cancellationToken);

    private static async Task<long> MetricAsync(HttpClient client, string series, CancellationToken cancellationToken)
    {
        var text = await client.GetStringAsync("/metrics", cancellationToken);
        return MetricLine().Matches(text).Where(m => m.Groups[1].Value == series)
            .Select(m => (long)double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)).SingleOrDefault();
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    [GeneratedRegex(@"^(\S+) (\S+)$", RegexOptions.Multiline)]
    private static partial Regex MetricLine();
}
