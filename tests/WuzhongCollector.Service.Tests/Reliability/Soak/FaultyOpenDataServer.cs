using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace WuzhongCollector.Service.Tests.Reliability.Soak;

/// <summary>
/// Open-data endpoints on 127.0.0.1 that publish a revised dataset now and then and fail on purpose: 503,
/// 429 with Retry-After, answers slower than the attempt timeout, dropped connections and cut-off bodies.
/// It remembers every value it ever published, so the soak can check nothing stored was invented.
/// </summary>
public sealed class FaultyOpenDataServer : IAsyncDisposable
{
    /// <summary>Annual 2021-2023 and the twelve months of 2023: the keys every source publishes.</summary>
    public static readonly string[] Periods = [.. new[] { "2021年", "2022年", "2023年" }, .. Enumerable.Range(1, 12).Select(m => $"2023年{m}月")];

    private readonly Dictionary<int, decimal[]> current = [];
    private readonly ConcurrentDictionary<(int Source, int Period, decimal Value), bool> published = new();
    private readonly ConcurrentDictionary<string, int> faults = new(StringComparer.Ordinal);
    private readonly Func<int, bool> countsWhole;
    private readonly Random random;
    private readonly object gate = new();
    private LoopbackServer? server;
    private volatile bool calm;

    private FaultyOpenDataServer(int sources, Func<int, bool> countsWhole, int seed)
    {
        this.countsWhole = countsWhole;
        random = new Random(seed);
        for (var s = 0; s < sources; s++)
        {
            current[s] = Periods.Select((_, p) => 100m + (s * 10) + p).ToArray();
            for (var p = 0; p < Periods.Length; p++)
            {
                published[(s, p, current[s][p])] = true;
            }
        }
    }

    public string BaseUrl => server!.BaseUrl;

    public int Version { get; private set; }

    public int Calls => server?.Calls ?? 0;

    public IReadOnlyDictionary<string, int> Faults => faults;

    /// <summary>A source for which <paramref name="countsWhole"/> is true (its indicator counts 件, 家, 个 ...) is revised by whole numbers, the others by tenths.</summary>
    public static async Task<FaultyOpenDataServer> StartAsync(int sources, Func<int, bool> countsWhole, int seed)
    {
        var faulty = new FaultyOpenDataServer(sources, countsWhole, seed);
        faulty.server = await LoopbackServer.StartAsync((_, context) => faulty.HandleAsync(context));
        return faulty;
    }

    /// <summary>Revises one period of every source: the next run that reads it must add exactly one vintage.</summary>
    public void PublishNextVersion()
    {
        lock (gate)
        {
            Version++;
            foreach (var (source, values) in current)
            {
                var period = (Version + source) % Periods.Length;
                values[period] = 100m + (source * 10) + period + (countsWhole(source) ? Version : Version / 10m);
                published[(source, period, values[period])] = true;
            }
        }
    }

    /// <summary>From now on every call succeeds, so the service can converge on the final version.</summary>
    public void CalmDown() => calm = true;

    public decimal[] Current(int source)
    {
        lock (gate)
        {
            return [.. current[source]];
        }
    }

    public bool WasPublished(int source, int period, decimal value) => published.ContainsKey((source, period, value));

    /// <summary>The JSON body a source serves at this moment.</summary>
    public string Body(int source)
    {
        var values = Current(source);
        var records = values.Select((v, p) => $"{{\"period\":\"{Periods[p]}\",\"value\":{v.ToString(CultureInfo.InvariantCulture)}}}");
        return "{\"code\":0,\"data\":[" + string.Join(',', records) + "]}";
    }

    public async ValueTask DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var source = int.Parse(context.Request.Path.Value!.Split('/')[^1], CultureInfo.InvariantCulture);
        var body = Body(source);
        int roll;
        lock (gate)
        {
            roll = calm ? 100 : random.Next(100);
        }

        switch (roll)
        {
            case < 10:
                Count("503");
                await LoopbackServer.Json(context, """{"error":"busy"}""", 503);
                return;
            case < 15:
                Count("429 Retry-After 1");
                context.Response.Headers.RetryAfter = "1";
                await LoopbackServer.Json(context, """{"error":"slow down"}""", 429);
                return;
            case < 20:
                Count("slower than the attempt timeout");
                await Task.Delay(TimeSpan.FromSeconds(3), context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                break;
            case < 24:
                Count("connection dropped");
                context.Abort();
                return;
            case < 27:
                Count("body cut off");
                context.Response.ContentType = "application/json";
                await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(body[..(body.Length / 2)]));
                return;
        }

        await LoopbackServer.Json(context, body);
    }

    private void Count(string fault) => faults.AddOrUpdate(fault, 1, (_, n) => n + 1);
}
