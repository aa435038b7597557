using Microsoft.Extensions.Time.Testing;
using WuzhongCollector.Service.Caching;

namespace WuzhongCollector.Service.Tests.Caching;

/// <summary>Kept answers follow commits: on the instance that ran the source at once, on others through LISTEN/NOTIFY.</summary>
public sealed class FigureChangeTests : IDisposable
{
    private readonly TestConfig config = new();

    public FigureChangeTests() => CacheProbe.AddSource(config);

    public void Dispose() => config.Dispose();

    [Fact]
    public async Task Commit_DropsKeptAnswers_OnThisInstanceAtOnce_AndOnASecondInstanceSharingTheDatabase()
    {
        var connectionString = await TestServer.CreateDatabaseAsync("cache");
        await using var first = await CollectorHost.StartAsync(config, connectionString);
        await using var second = await CollectorHost.StartAsync(config, connectionString);
        await first.CollectAsync("gxj-csv");
        await CacheProbe.WaitUntilListeningAsync(first);
        await CacheProbe.WaitUntilListeningAsync(second);

        Assert.Equal(520m, await CacheProbe.ReadUntilKeptAsync(first));
        Assert.Equal(520m, await CacheProbe.ReadUntilKeptAsync(second));

        var before = await ProgressLatestAsync(second);
        var etags = await Task.WhenAll(new[] { first, second }.Select(async host => (await host.Http.GetAsync(CacheProbe.Series)).Headers.ETag));
        Assert.Equal(etags[0], etags[1]);

        CacheProbe.Deliver(config, 530m);
        await first.CollectAsync("gxj-csv");

        Assert.Equal(530m, await CacheProbe.Latest2023Async(first));
        await Eventually.TrueAsync(async () => await CacheProbe.Latest2023Async(second) == 530m, seconds: 20);
        Assert.Equal(520m, before);
        Assert.Equal(530m, await ProgressLatestAsync(second));
    }

    [Fact]
    public async Task Commit_KeepsAnswersAsOfBeforeIt_AndDropsAnswersForNowOrLater()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2024, 3, 1, 2, 0, 0, TimeSpan.Zero));
        await using var host = await CollectorHost.StartAsync(config, timeProvider: time);
        await CacheProbe.WaitUntilListeningAsync(host);
        await CacheProbe.CollectAndSettleAsync(host);
        time.Advance(TimeSpan.FromHours(1));
        const string past = CacheProbe.Series + "?area=320506&asOf=2024-03-01T02:30:00Z";
        const string later = CacheProbe.Series + "?area=320506&asOf=2024-03-01T05:00:00Z";
        var kept = new[] { await CacheProbe.Latest2023Async(host, past), await CacheProbe.Latest2023Async(host, later), await CacheProbe.Latest2023Async(host) };

        CacheProbe.Deliver(config, 530m);
        await CacheProbe.CollectAndSettleAsync(host);
        var hits = (await CacheProbe.LookupsAsync(host)).Hits;
        var after = new[] { await CacheProbe.Latest2023Async(host, past), await CacheProbe.Latest2023Async(host, later), await CacheProbe.Latest2023Async(host) };

        Assert.Equal([520m, 520m, 520m], kept);
        Assert.Equal([520m, 530m, 530m], after);
        Assert.Equal(hits + 1, (await CacheProbe.LookupsAsync(host)).Hits);
    }

    [Fact]
    public async Task LostListenConnection_NothingKeptIsServed_UntilItIsBack_ThenChangesArriveAgain()
    {
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var connectionString = await TestServer.CreateDatabaseAsync("cache");
        await using var reader = await CollectorHost.StartAsync(config, connectionString, timeProvider: time);
        // The writer keeps nothing and so does not listen: the only listener in the database is the reader's.
        await using var writer = await CollectorHost.StartAsync(config, connectionString, new Dictionary<string, string?> { ["AnswerCache:Enabled"] = "false" });
        await writer.CollectAsync("gxj-csv");
        await CacheProbe.WaitUntilListeningAsync(reader);
        Assert.Equal(520m, await CacheProbe.ReadUntilKeptAsync(reader));
        var listener = await ListenerPidAsync(reader);

        await reader.ScalarAsync<bool>("SELECT pg_terminate_backend(@listener)", new { listener });
        await CacheProbe.WaitUntilListeningAsync(reader, listening: false);
        // The reader cannot hear of this commit: its listener is gone and waits for the fake clock to retry.
        CacheProbe.Deliver(config, 530m);
        await writer.CollectAsync("gxj-csv");
        var missesBefore = (await CacheProbe.LookupsAsync(reader)).Misses;

        Assert.Equal(530m, await CacheProbe.Latest2023Async(reader));
        Assert.Equal(530m, await CacheProbe.Latest2023Async(reader));
        Assert.Equal(missesBefore + 2, (await CacheProbe.LookupsAsync(reader)).Misses);

        await Eventually.TrueAsync(async () =>
        {
            time.Advance(TimeSpan.FromSeconds(1));
            return await ListenerPidAsync(reader) is { } pid && pid != listener;
        }, seconds: 30);
        await CacheProbe.WaitUntilListeningAsync(reader);
        Assert.Equal(530m, await CacheProbe.ReadUntilKeptAsync(reader));

        CacheProbe.Deliver(config, 540m);
        await writer.CollectAsync("gxj-csv");
        await Eventually.TrueAsync(async () => await CacheProbe.Latest2023Async(reader) == 540m, seconds: 20);
    }

    private static async Task<decimal> ProgressLatestAsync(CollectorHost host)
    {
        var progress = await host.Http.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/progress");
        return progress.GetProperty("indicators").EnumerateArray()
            .Single(i => i.GetProperty("code").GetString() == "DE_CORE_VALUE_ADDED").GetProperty("latest").GetProperty("value").GetDecimal();
    }

    private static async Task<int?> ListenerPidAsync(CollectorHost host) =>
        (await host.QueryAsync<int>("SELECT pid FROM pg_stat_activity WHERE application_name = @name AND datname = current_database()",
            new { name = FigureChangeListener.ApplicationName })).Cast<int?>().SingleOrDefault();
}
