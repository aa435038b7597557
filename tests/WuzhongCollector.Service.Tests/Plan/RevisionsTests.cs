using Microsoft.Extensions.Time.Testing;

namespace WuzhongCollector.Service.Tests.Plan;

public sealed class RevisionsTests : IDisposable
{
    private readonly TestConfig config = new();
    private readonly FakeTimeProvider time = PlanFixture.Time();

    public void Dispose() => config.Dispose();

    [Fact]
    public async Task Revisions_ListEveryVintageWithSourceAndRun()
    {
        config.WriteCsvSource("bureau", $"{PlanFixture.Header}\nINDUSTRIAL_ROBOTS_DEPLOYED,2022年,655,台,快报\n");
        await using var host = await CollectorHost.StartAsync(config, timeProvider: time);
        var first = await host.CollectAsync("bureau");
        time.Advance(TimeSpan.FromDays(30));
        config.WriteCsvSource("bureau", $"{PlanFixture.Header}\nINDUSTRIAL_ROBOTS_DEPLOYED,2022年,702,台,公报\n");
        var second = await host.CollectAsync("bureau");

        var revisions = (await host.Http.GetFromJsonAsync<RevisionsDto>("/api/series/INDUSTRIAL_ROBOTS_DEPLOYED/revisions"))!;

        var period = Assert.Single(revisions.Periods);
        Assert.Equal("2022", period.Period);
        Assert.Equal(new CurrentDto("bureau", 2, 702m, "normal"), period.Current);
        Assert.Equal(
        [
            new VintageDto("bureau", "测试 bureau", 1, 655m, "provisional", false, first.RunId, new DateTime(2024, 3, 1, 2, 0, 0, DateTimeKind.Utc), new DateTime(2024, 3, 31, 2, 0, 0, DateTimeKind.Utc), "exports/bureau.csv row 2 column '数值'"),
            new VintageDto("bureau", "测试 bureau", 2, 702m, "normal", true, second.RunId, new DateTime(2024, 3, 31, 2, 0, 0, DateTimeKind.Utc), null, "exports/bureau.csv row 2 column '数值'"),
        ], period.Vintages);
        Assert.StartsWith("per source its latest vintage; across sources normal (公报) over provisional (快报)", revisions.Rule, StringComparison.Ordinal);

        var asOf = (await host.Http.GetFromJsonAsync<RevisionsDto>("/api/series/INDUSTRIAL_ROBOTS_DEPLOYED/revisions?asOf=2024-03-15T00:00:00Z"))!;
        var old = Assert.Single(Assert.Single(asOf.Periods).Vintages);
        Assert.Equal((1, 655m, true), (old.Vintage, old.Value, old.IsCurrent));
    }

    [Fact]
    public async Task PriorityRule_BulletinBeatsFlashBeatsEstimate_WhateverTheOrderTheyArrive()
    {
        config.WriteCsvSource("estimate", $"{PlanFixture.Header}\nDE_CORE_VALUE_ADDED,2023年,500,亿元,预计\n");
        config.WriteCsvSource("flash", $"{PlanFixture.Header}\nDE_CORE_VALUE_ADDED,2023年,510,亿元,快报\n");
        config.WriteCsvSource("bulletin", $"{PlanFixture.Header}\nDE_CORE_VALUE_ADDED,2023年,520,亿元,公报\n");
        await using var host = await CollectorHost.StartAsync(config, timeProvider: time);
        var moments = new List<DateTimeOffset>();
        foreach (var id in new[] { "estimate", "flash", "bulletin" })
        {
            await host.CollectAsync(id);
            moments.Add(time.GetUtcNow().AddMinutes(1));
            time.Advance(TimeSpan.FromDays(1));
        }

        // A later estimate does not displace the bulletin: status first, recency only among equals.
        config.WriteCsvSource("estimate", $"{PlanFixture.Header}\nDE_CORE_VALUE_ADDED,2023年,530,亿元,预计\n");
        await host.CollectAsync("estimate");

        var current = new List<(string, decimal, string)>();
        foreach (var asOf in moments.Select(m => "?asOf=" + Uri.EscapeDataString(m.ToString("O"))).Append(""))
        {
            var point = Assert.Single((await host.Http.GetFromJsonAsync<SeriesDto>("/api/series/DE_CORE_VALUE_ADDED" + asOf))!.Points);
            current.Add((point.Source, point.Value, point.Status));
        }

        Assert.Equal(
        [
            ("estimate", 500m, "estimated"),
            ("flash", 510m, "provisional"),
            ("bulletin", 520m, "normal"),
            ("bulletin", 520m, "normal"),
        ], current);
        var revisions = (await host.Http.GetFromJsonAsync<RevisionsDto>("/api/series/DE_CORE_VALUE_ADDED/revisions"))!;
        Assert.Equal(
        [
            ("estimate", 1, 500m, false), ("flash", 1, 510m, false), ("bulletin", 1, 520m, true), ("estimate", 2, 530m, false),
        ], Assert.Single(revisions.Periods).Vintages.Select(v => (v.Source, v.Vintage, v.Value, v.IsCurrent)));
        Assert.Equal(520m, (await host.ProgressAsync()).Target("DE_CORE_VALUE_ADDED").LatestValue);
        Assert.Equal(("bulletin", 520m), await host.QuerySingleAsync<(string, decimal)>(
            "SELECT source_id, value FROM analyst.current_observations WHERE indicator_code = 'DE_CORE_VALUE_ADDED'"));
    }

    private sealed record RevisionsDto(string Indicator, string Unit, string Rule, List<PeriodRevisionsDto> Periods);

    private sealed record PeriodRevisionsDto(string Period, CurrentDto? Current, List<VintageDto> Vintages);

    private sealed record CurrentDto(string Source, int Vintage, decimal Value, string Status);

    private sealed record VintageDto(
        string Source, string? SourceName, int Vintage, decimal Value, string Status, bool IsCurrent, long RunId, DateTime RecordedAt, DateTime? SupersededAt, string? Location);
}
