using Cronos;
using WuzhongCollector.Core.Sources;

namespace WuzhongCollector.Core.Tests.Sources;

/// <summary>
/// Schedules in a zone with daylight saving (a source may name any zone): Hangfire computes occurrences with
/// Cronos, the library source files are validated with. Pins what a source file's cron means across both
/// Berlin transitions of 2024, so a library upgrade that changed it would show here.
/// </summary>
public sealed class ScheduleDaylightSavingTests
{
    private static readonly TimeZoneInfo Berlin = Resolve("Europe/Berlin");

    [Theory]
    [InlineData("2024-03-30T22:00:00Z", "2024-04-01T22:00:00Z")] // spring forward on 31 March: 02:00-03:00 does not exist
    [InlineData("2024-10-26T22:00:00Z", "2024-10-28T23:00:00Z")] // fall back on 27 October: 02:00-03:00 happens twice
    public void Daily0230_RunsExactlyOncePerLocalDay_AcrossATransition(string from, string to)
    {
        var occurrences = Occurrences("30 2 * * *", from, to);

        Assert.Equal(2, occurrences.Count);
        Assert.Equal(occurrences.Count, occurrences.Select(o => TimeZoneInfo.ConvertTime(o, Berlin).Date).Distinct().Count());
    }

    [Fact]
    public void Hourly_OnTheSpringForwardDay_IsNeitherMissedNorDoubled()
    {
        var occurrences = Occurrences("0 * * * *", "2024-03-30T23:00:00Z", "2024-03-31T22:00:00Z");

        // 23 local hours that day, one run in each, one hour apart in real time.
        Assert.Equal(23, occurrences.Count);
        Assert.All(occurrences.Zip(occurrences.Skip(1)), p => Assert.Equal(TimeSpan.FromHours(1), p.Second - p.First));
    }

    [Fact]
    public void Hourly_OnTheFallBackDay_RunsInEachOfTheTwentyFiveHours()
    {
        var occurrences = Occurrences("0 * * * *", "2024-10-26T22:00:00Z", "2024-10-27T23:00:00Z");

        Assert.Equal(25, occurrences.Count);
        Assert.All(occurrences.Zip(occurrences.Skip(1)), p => Assert.Equal(TimeSpan.FromHours(1), p.Second - p.First));
    }

    private static List<DateTimeOffset> Occurrences(string cron, string from, string to)
    {
        Assert.True(SourceFileLoader.IsValidCron(cron));
        return CronExpression.Parse(cron)
            .GetOccurrences(DateTimeOffset.Parse(from, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.Parse(to, System.Globalization.CultureInfo.InvariantCulture), Berlin, fromInclusive: true, toInclusive: false)
            .ToList();
    }

    private static TimeZoneInfo Resolve(string id)
    {
        Assert.True(TimeZones.TryResolve(id, out var zone));
        return zone;
    }
}
