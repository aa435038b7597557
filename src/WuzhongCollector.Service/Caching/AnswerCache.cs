using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Prometheus;
using WuzhongCollector.Service.Operations;

namespace WuzhongCollector.Service.Caching;

/// <summary>
/// The read API's answers, kept as the bytes sent. Stored figures change only when a transaction commits them,
/// and every such commit notifies every instance (<see cref="FigureChanges"/>, <see cref="FigureChangeListener"/>),
/// which drops what the change could affect. Answers are kept only while this instance listens: a change it
/// could have missed is never answered from memory.
/// </summary>
public sealed class AnswerCache : IDisposable
{
    private readonly MemoryCache entries;
    private readonly long maxAnswerBytes;
    private readonly JsonSerializerOptions json;
    private readonly Counter.Child hits;
    private readonly Counter.Child misses;
    private readonly Counter invalidations;
    private readonly Gauge listeningGauge;
    private readonly Lock gate = new();

    // Bumped by every invalidation: an answer read while one happened may predate the change and is not kept.
    private long generation;
    private bool listening;

    public AnswerCache(IOptions<AnswerCacheOptions> options, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> jsonOptions, CollectorMetrics metrics)
    {
        var limit = options.Value.SizeLimitBytes;
        entries = new MemoryCache(new MemoryCacheOptions { SizeLimit = limit, CompactionPercentage = 0.25, TrackStatistics = true });
        maxAnswerBytes = limit / 16;
        json = jsonOptions.Value.SerializerOptions;
        var factory = Metrics.WithCustomRegistry(metrics.Registry);
        var lookups = factory.CreateCounter("wuzhong_api_cache_lookups_total", "Read API answers from memory (hit) or from the database (miss).", "result");
        hits = lookups.WithLabels("hit");
        misses = lookups.WithLabels("miss");
        invalidations = factory.CreateCounter("wuzhong_api_cache_invalidations_total", "Times kept answers were dropped: figures changed, sources were reloaded, or the notification connection was lost or restored.");
        listeningGauge = factory.CreateGauge("wuzhong_api_cache_listening", "1 while this instance listens for figure changes and may answer from memory; 0: every answer is read from the database.");
        var bytes = factory.CreateGauge("wuzhong_api_cache_bytes", "Memory counted for kept answers.");
        var count = factory.CreateGauge("wuzhong_api_cache_entries", "Kept answers.");
        metrics.Registry.AddBeforeCollectCallback(() =>
        {
            var statistics = entries.GetCurrentStatistics();
            bytes.Set(statistics?.CurrentEstimatedSize ?? 0);
            count.Set(statistics?.CurrentEntryCount ?? 0);
        });
    }

    /// <summary>
    /// Answers from memory, or writes the answer with <paramref name="write"/> and keeps it. <paramref name="write"/>
    /// returns null when it wrote the answer, or a result to send instead (a 404), which is not kept. Callers check
    /// their parameters first, and the key holds every parameter the answer depends on (<see cref="Key"/>).
    /// </summary>
    public async Task<IResult> AnswerAsync(HttpContext http, string key, DateTimeOffset? asOf, AnswerFormat format,
        Func<Stream, CancellationToken, Task<IResult?>> write, CancellationToken cancellationToken)
    {
        // Clients may keep an answer but must ask again each time (If-None-Match); shared caches must not keep it.
        http.Response.Headers.CacheControl = "private, no-cache";
        if (entries.TryGetValue(key, out Answer? kept))
        {
            hits.Inc();
            return kept!.ToResult();
        }

        misses.Inc();
        var seen = Interlocked.Read(ref generation);
        await using var buffer = new AnswerBuffer(http.Response, format, maxAnswerBytes);
        if (await write(buffer, cancellationToken) is { } instead)
        {
            return instead;
        }

        if (buffer.Streamed)
        {
            return Results.Empty;
        }

        var answer = new Answer(buffer.ToArray(), format, asOf);
        lock (gate)
        {
            if (listening && generation == seen)
            {
                entries.Set(key, answer, new MemoryCacheEntryOptions { Size = answer.Size });
            }
        }

        return answer.ToResult();
    }

    public Task WriteJsonAsync<T>(Stream body, T value, CancellationToken cancellationToken) =>
        JsonSerializer.SerializeAsync(body, value, json, cancellationToken);

    /// <summary>
    /// Drops every answer figures recorded at or after <paramref name="recordedFrom"/> could change: all answers
    /// for now, and those as of that time or later. Null drops everything.
    /// </summary>
    public void Invalidate(DateTimeOffset? recordedFrom)
    {
        lock (gate)
        {
            InvalidateLocked(recordedFrom);
        }
    }

    private void InvalidateLocked(DateTimeOffset? recordedFrom)
    {
        generation++;
        invalidations.Inc();
        if (recordedFrom is null)
        {
            entries.Clear();
            return;
        }

        foreach (var key in entries.Keys.ToList())
        {
            if (entries.TryGetValue(key, out Answer? answer) && (answer!.AsOf is not { } asOf || asOf >= recordedFrom))
            {
                entries.Remove(key);
            }
        }
    }

    /// <summary>Called once LISTEN is in force: from now on no change goes unnoticed. Whatever changed before is dropped.</summary>
    public void StartListening() => SetListening(true);

    /// <summary>Called when the notification connection is lost: nothing is kept until it is back.</summary>
    public void StopListening() => SetListening(false);

    private void SetListening(bool on)
    {
        lock (gate)
        {
            listening = on;
            listeningGauge.Set(on ? 1 : 0);
            InvalidateLocked(null);
        }
    }

    /// <summary>
    /// A cache key from an endpoint name and its parameters in a fixed order. Each value is escaped, so no two
    /// different parameter lists give the same key; null and empty differ.
    /// </summary>
    public static string Key(string endpoint, params ReadOnlySpan<object?> parameters)
    {
        var key = new StringBuilder(endpoint);
        foreach (var parameter in parameters)
        {
            key.Append('&');
            if (parameter is not null)
            {
                key.Append('=').Append(Uri.EscapeDataString(parameter switch
                {
                    // asOf arrives in UTC (AsOf converts any offset), so one instant has one key and one answer.
                    DateTimeOffset time => time.ToString("O", CultureInfo.InvariantCulture),
                    IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                    _ => parameter.ToString() ?? "",
                }));
            }
        }

        return key.ToString();
    }

    public void Dispose() => entries.Dispose();
}
