using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace WuzhongCollector.Service.Tests.Caching;

public sealed class AnswerCacheTests : IDisposable
{
    private readonly TestConfig config = new();

    public AnswerCacheTests() => CacheProbe.AddSource(config);

    public void Dispose() => config.Dispose();

    [Fact]
    public async Task IfNoneMatch_Gives304WithTheSameETag_AndAfterACommit200WithANewOne()
    {
        await using var host = await CollectorHost.StartAsync(config);
        await host.CollectAsync("gxj-csv");
        await CacheProbe.WaitUntilListeningAsync(host);

        using var first = await host.Http.GetAsync(CacheProbe.Series);
        var etag = first.Headers.ETag!;
        using var unchanged = await GetAsync(host, CacheProbe.Series, etag);
        CacheProbe.Deliver(config, 530m);
        await host.CollectAsync("gxj-csv");
        using var changed = await GetAsync(host, CacheProbe.Series, etag);
        using var changedAgain = await GetAsync(host, CacheProbe.Series, changed.Headers.ETag!);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.False(etag.IsWeak);
        Assert.True(first.Headers.CacheControl is { Private: true, NoCache: true }, $"Cache-Control: {first.Headers.CacheControl}");
        Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);
        Assert.Equal(etag, unchanged.Headers.ETag);
        Assert.Empty(await unchanged.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag);
        Assert.Contains("530", await changed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotModified, changedAgain.StatusCode);
    }

    /// <summary>
    /// Every answer of a caching instance, first from the database and then from memory, equals the answer of an
    /// instance that keeps nothing: two parameter lists sharing an entry would show as a wrong answer.
    /// </summary>
    [Fact]
    public async Task DifferentParameters_NeverShareAnEntry()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2024, 3, 1, 2, 0, 0, TimeSpan.Zero));
        var connectionString = await TestServer.CreateDatabaseAsync("cache");
        await using var uncached = await CollectorHost.StartAsync(config, connectionString, new Dictionary<string, string?> { ["AnswerCache:Enabled"] = "false" }, time);
        await uncached.CollectAsync("gxj-csv");
        time.Advance(TimeSpan.FromHours(1));
        CacheProbe.Deliver(config, 530m);
        await uncached.CollectAsync("gxj-csv");
        // Started after the commits, so no notification of them can drop an answer in the middle of the test.
        await using var caching = await CollectorHost.StartAsync(config, connectionString, timeProvider: time);
        await CacheProbe.WaitUntilListeningAsync(caching);
        string[] paths =
        [
            CacheProbe.Series, CacheProbe.Series + "?area=320506", CacheProbe.Series + "?area=320506001", CacheProbe.Series + "?area=",
            CacheProbe.Series + "?from=2022", CacheProbe.Series + "?to=2022", CacheProbe.Series + "?from=2022&to=2022",
            CacheProbe.Series + "?asOf=2024-03-01T02:30:00Z", CacheProbe.Series + "?asOf=2024-03-01T12:30:00%2B08:00", CacheProbe.Series + "?asOf=2024-03-01T04:00:00Z",
            CacheProbe.Series + "?format=csv", CacheProbe.Series + "?format=csv&area=320506001", "/api/series/DC_NEW_PUE",
            "/api/progress", "/api/progress?area=320506001", "/api/progress?asOf=2024-03-01T02:30:00Z", "/api/progress?asOf=2024-03-01T12:30:00%2B08:00",
            "/api/progress/DE_CORE_VALUE_ADDED", "/api/progress/DE_CORE_VALUE_ADDED?area=320506001", "/api/progress/DC_NEW_PUE",
            "/api/freshness", "/api/freshness?asOf=2024-03-01T02:30:00Z",
            "/api/indicators", "/api/indicators?area=320506001", "/api/indicators/DE_CORE_VALUE_ADDED", "/api/indicators/DC_NEW_PUE",
        ];

        var before = await CacheProbe.LookupsAsync(caching);
        var fromDatabase = await BodiesAsync(caching, paths);
        var fromMemory = await BodiesAsync(caching, paths);
        var expected = await BodiesAsync(uncached, paths);
        var after = await CacheProbe.LookupsAsync(caching);

        Assert.All(expected, body => Assert.True(body.Contains(" 200 ", StringComparison.Ordinal), body));
        Assert.Equal(expected, fromDatabase);
        Assert.Equal(expected, fromMemory);
        Assert.Equal((paths.Length, paths.Length), (after.Hits - before.Hits, after.Misses - before.Misses));

        // One instant written with another offset is the same question: it shares the entry, and the answer.
        string[] utc = [CacheProbe.Series + "?asOf=2024-03-01T02:30:00Z"], china = [CacheProbe.Series + "?asOf=2024-03-01T10:30:00%2B08:00"];
        var sameInstant = (await BodiesAsync(caching, china)).Single();
        Assert.Equal(expected[Array.IndexOf(paths, utc[0])][utc[0].Length..], sameInstant[china[0].Length..]);
        Assert.Equal(after.Hits + 1, (await CacheProbe.LookupsAsync(caching)).Hits);
    }

    [Fact]
    public async Task AnswerLargerThanItsShare_IsStreamedWhole_AndNotKept()
    {
        var rows = Enumerable.Range(0, 600).Select(m => $"320506,{2001 + (m / 12)}年{(m % 12) + 1}月,{m}.5");
        config.WriteFile("e.csv", "地区,期别,数值\n" + string.Join('\n', rows) + "\n");
        await using var host = await CollectorHost.StartAsync(config, settings: new Dictionary<string, string?> { ["AnswerCache:SizeLimitMegabytes"] = "1" });
        await host.CollectAsync("gxj-csv");
        await CacheProbe.WaitUntilListeningAsync(host);
        var before = await CacheProbe.LookupsAsync(host);

        using var json = await host.Http.GetAsync(CacheProbe.Series);
        using var csv = await host.Http.GetAsync(CacheProbe.Series + "?format=csv");
        var body = await json.Content.ReadAsByteArrayAsync();
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        using var again = await host.Http.GetAsync(CacheProbe.Series);
        var after = await CacheProbe.LookupsAsync(host);

        Assert.True(body.Length > 64 * 1024, $"the answer has {body.Length} bytes, not more than a sixteenth of 1 MiB");
        Assert.Equal(600, JsonDocument.Parse(body).RootElement.GetProperty("points").GetArrayLength());
        Assert.Null(json.Headers.ETag);
        Assert.Equal("application/json; charset=utf-8", json.Content.Headers.ContentType?.ToString());
        Assert.Equal(601, lines.Length);
        Assert.Equal("DE_CORE_VALUE_ADDED.csv", csv.Content.Headers.ContentDisposition?.FileNameStar);
        Assert.Equal(body, await again.Content.ReadAsByteArrayAsync());
        Assert.Equal((0d, 3d), (after.Hits - before.Hits, after.Misses - before.Misses));
    }

    [Fact]
    public async Task ClosedReadApi_AnAnswerKeptForAReaderIsNeverServedToAnAnonymousClient()
    {
        var reader = Credentials.Bearer(Credentials.ReadToken);
        await using var host = await CollectorHost.StartAsync(config, settings: Credentials.Settings(openReadApi: false));
        await CacheProbe.WaitUntilListeningAsync(host, authorization: reader);
        await CacheProbe.CollectAndSettleAsync(host, reader);

        foreach (var path in new[] { CacheProbe.Series, "/api/progress" })
        {
            using var kept = await SendAsync(host, path, reader);
            using var fromMemory = await SendAsync(host, path, reader);
            using var anonymous = await SendAsync(host, path, null);
            using var anonymousRevalidating = await SendAsync(host, path, null, kept.Headers.ETag);
            using var readerRevalidating = await SendAsync(host, path, reader, kept.Headers.ETag);

            Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
            Assert.Equal(await kept.Content.ReadAsStringAsync(), await fromMemory.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, anonymousRevalidating.StatusCode);
            // The 401 is a problem-details body of its own, never the kept answer.
            Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);
            Assert.DoesNotContain(await kept.Content.ReadAsStringAsync(), await anonymous.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.NotModified, readerRevalidating.StatusCode);
        }

        Assert.Equal(4d, (await CacheProbe.LookupsAsync(host, reader)).Hits);
    }

    private static Task<HttpResponseMessage> GetAsync(CollectorHost host, string path, EntityTagHeaderValue etag)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.IfNoneMatch.Add(etag);
        return host.Http.SendAsync(request);
    }

    private static Task<HttpResponseMessage> SendAsync(CollectorHost host, string path, AuthenticationHeaderValue? authorization, EntityTagHeaderValue? etag = null)
    {
        var request = Credentials.Remote(HttpMethod.Get, path, authorization);
        if (etag is not null)
        {
            request.Headers.IfNoneMatch.Add(etag);
        }

        return host.Http.SendAsync(request);
    }

    private static async Task<List<string>> BodiesAsync(CollectorHost host, IEnumerable<string> paths)
    {
        var bodies = new List<string>();
        foreach (var path in paths)
        {
            using var response = await host.Http.GetAsync(path);
            bodies.Add($"{path} {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        return bodies;
    }
}
