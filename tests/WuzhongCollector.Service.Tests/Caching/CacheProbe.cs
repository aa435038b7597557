using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace WuzhongCollector.Service.Tests.Caching;

/// <summary>What a host's answer cache did, read where ops read it: the /metrics endpoint.</summary>
public static partial class CacheProbe
{
    public const string Series = "/api/series/DE_CORE_VALUE_ADDED";

    /// <summary>A CSV source of DE_CORE_VALUE_ADDED whose 2023 figure each test sets with <see cref="Deliver"/>.</summary>
    public static void AddSource(TestConfig config)
    {
        config.WriteSource("gxj-csv", """
            kind: csv
            schedule: { cron: "0 2 * * *" }
            file: { path: e.csv }
            mapping: { indicator: { const: DE_CORE_VALUE_ADDED }, area: 地区, period: 期别, value: 数值 }
            """);
        Deliver(config, 520m);
    }

    public static void Deliver(TestConfig config, decimal value2023) => config.WriteFile("e.csv",
        $"地区,期别,数值\n320506,2021年,389.2\n320506,2022年,448.5\n320506,2023年,{value2023.ToString(CultureInfo.InvariantCulture)}\n320506001,2023年,41.5\n");

    public static async Task<(double Hits, double Misses)> LookupsAsync(CollectorHost host, AuthenticationHeaderValue? authorization = null)
    {
        var metrics = await MetricsAsync(host, authorization);
        return (Value(metrics, "wuzhong_api_cache_lookups_total{result=\"hit\"}"), Value(metrics, "wuzhong_api_cache_lookups_total{result=\"miss\"}"));
    }

    /// <summary>
    /// Runs the source on a listening host and waits until both invalidations have happened: the host's own, at
    /// once, and the one its notification brings a moment later, which would otherwise drop answers kept meanwhile.
    /// </summary>
    public static async Task CollectAndSettleAsync(CollectorHost host, AuthenticationHeaderValue? authorization = null)
    {
        var before = Value(await MetricsAsync(host, authorization), "wuzhong_api_cache_invalidations_total");
        await host.CollectAsync("gxj-csv");
        await Eventually.TrueAsync(async () => Value(await MetricsAsync(host, authorization), "wuzhong_api_cache_invalidations_total") == before + 2, seconds: 20);
    }

    /// <summary>The listener connects after start; answers are kept only once it listens.</summary>
    public static Task WaitUntilListeningAsync(CollectorHost host, bool listening = true, AuthenticationHeaderValue? authorization = null) =>
        Eventually.TrueAsync(async () => Value(await MetricsAsync(host, authorization), "wuzhong_api_cache_listening") == (listening ? 1 : 0), seconds: 30);

    /// <summary>
    /// Reads twice until the second read is answered from memory; a notification of an earlier commit may still
    /// be on its way and drop the first answer. Returns the 2023 figure.
    /// </summary>
    public static async Task<decimal> ReadUntilKeptAsync(CollectorHost host, string path = Series + "?area=320506")
    {
        decimal value = 0;
        await Eventually.TrueAsync(async () =>
        {
            var hits = (await LookupsAsync(host)).Hits;
            await Latest2023Async(host, path);
            value = await Latest2023Async(host, path);
            return (await LookupsAsync(host)).Hits == hits + 1;
        }, seconds: 20);
        return value;
    }

    /// <summary>The 2023 figure of the plan area's series, as the API answers it.</summary>
    public static async Task<decimal> Latest2023Async(CollectorHost host, string path = Series + "?area=320506")
    {
        var series = await host.Http.GetFromJsonAsync<JsonElement>(path);
        return series.GetProperty("points").EnumerateArray().Single(p => p.GetProperty("period").GetString() == "2023").GetProperty("value").GetDecimal();
    }

    private static async Task<string> MetricsAsync(CollectorHost host, AuthenticationHeaderValue? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Authorization = authorization;
        using var response = await host.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    private static double Value(string metrics, string series) =>
        MetricLine().Matches(metrics).Where(m => m.Groups[1].Value == series).Select(m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)).SingleOrDefault();

    [GeneratedRegex(@"^(\S+) (\S+)$", RegexOptions.Multiline)]
    private static partial Regex MetricLine();
}
