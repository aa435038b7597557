using System.Globalization;
using static WuzhongCollector.Service.Tests.Infrastructure.Faults;

namespace WuzhongCollector.Service.Tests.Collection.Connectors;

public sealed class HostRateLimitTests
{
    [Fact]
    public async Task Collect_TwoSourcesOnOneHost_ShareTheHostsRateLimit()
    {
        // Pages 1 and 2 hold a figure, page 3 is empty: 3 calls per source.
        await using var harness = await HttpSourceHarness.StartAsync(
            (_, c) => int.Parse(c.Request.Query["page"]!, CultureInfo.InvariantCulture) is var page && page < 3
                ? Ok($$"""{"data":[{"indicator":"BASE_STATIONS_5G","period":"{{2020 + page}}","value":"1"}]}""")(c)
                : Ok("""{"data":[]}""")(c),
            http: "  query: { page: \"{page}\" }\n  records: data\n  paging: { mode: page, size: 1 }",
            settings: new Dictionary<string, string?> { ["Collector:Http:RequestsPerSecondPerHost"] = "5" },
            realTime: true,
            moreSources: ["other"]);

        var runs = await Task.WhenAll(harness.CollectAsync("src"), harness.CollectAsync("other"));

        Assert.All(runs, r => Assert.Equal(("succeeded", 2), (r.Outcome, r.Counts!.Stored)));
        // 5 calls per second, shared: 6 calls need 5 refills of 200 ms, however the two sources interleave. The first
        // call may be held up opening its connection, so count from the second: 4 refills, with one of slack.
        var arrivals = harness.Server.Requests.Select(r => r.Arrival).Order().ToList();
        Assert.Equal(6, arrivals.Count);
        Assert.True(arrivals[^1] - arrivals[1] >= TimeSpan.FromMilliseconds(600), $"calls 2 to 6 took {(arrivals[^1] - arrivals[1]).TotalMilliseconds:0} ms");
    }
}
