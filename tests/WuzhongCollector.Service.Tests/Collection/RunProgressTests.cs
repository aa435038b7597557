using System.Net;
using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace WuzhongCollector.Service.Tests.Collection;

/// <summary>Long work says where it is: stage, rows read and rows per second, every few seconds by the clock it is given.</summary>
public sealed class RunProgressTests
{
    [Fact]
    public async Task ReportEvery_EachInterval_SaysStageRowsAndRateSinceTheLastLine_ThenTheWholeRun()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2024, 3, 1, 2, 0, 0, TimeSpan.Zero));
        var progress = new RunProgress(time);
        var lines = Channel.CreateUnbounded<string>();
        using var records = progress.Count(Enumerable.Range(1, 1_000)).GetEnumerator();

        var reporter = progress.ReportEvery(TimeSpan.FromSeconds(5), (line, ct) => lines.Writer.WriteAsync(line, ct).AsTask());
        Take(records, 300);
        time.Advance(TimeSpan.FromSeconds(5));
        var first = await NextAsync(lines);
        Take(records, 200);
        time.Advance(TimeSpan.FromSeconds(5));
        var second = await NextAsync(lines);
        Take(records, 500);
        Assert.False(records.MoveNext());
        var storing = progress.Stage;
        progress.Enter("succeeded");
        await reporter.DisposeAsync();

        Assert.Equal("reading: 300 rows read, 60 rows/s, 5 s", first);
        Assert.Equal("reading: 500 rows read, 40 rows/s, 10 s", second);
        Assert.Equal("storing", storing);
        Assert.Equal("succeeded: 1,000 rows read, 100 rows/s, 10 s", await NextAsync(lines));
    }

    [Fact]
    public async Task ReportEvery_WhenShowingFails_TheWorkGoesOn()
    {
        var time = new FakeTimeProvider();
        var progress = new RunProgress(time);
        var calls = Channel.CreateUnbounded<string>();

        var reporter = progress.ReportEvery(TimeSpan.FromSeconds(5), async (line, ct) =>
        {
            await calls.Writer.WriteAsync(line, ct);
            throw new IOException("the terminal went away");
        });
        time.Advance(TimeSpan.FromSeconds(5));
        await NextAsync(calls);
        time.Advance(TimeSpan.FromSeconds(5));
        await NextAsync(calls);
        await reporter.DisposeAsync();

        Assert.Equal("starting: 0 rows read, 0 rows/s, 10 s", await NextAsync(calls));
    }

    [Fact]
    public async Task ScheduledRun_ShowsItsProgressOnTheJobPage()
    {
        using var config = new TestConfig();
        config.WriteSource("robots", Samples.RobotsSource);
        config.WriteFile("exports/robots.csv", Samples.RobotsCsv);
        await using var host = await CollectorHost.StartAsync(config, timeProvider: new FakeTimeProvider(TimeProvider.System.GetUtcNow()));
        await host.WaitForRecurringAsync(new Dictionary<string, string> { ["robots"] = "0 2 * * *" });

        var jobId = host.Trigger("robots");
        await host.WaitForJobAsync(jobId, "Succeeded", "Failed");

        var page = await host.Http.GetStringAsync($"/hangfire/jobs/details/{jobId}");
        Assert.Contains(CollectSourceJob.ProgressParameter, page, StringComparison.Ordinal);
        Assert.Contains(WebUtility.HtmlEncode("partial: 3 rows read, "), page, StringComparison.Ordinal);
    }

    private static void Take(IEnumerator<int> records, int count)
    {
        for (var i = 0; i < count; i++)
        {
            Assert.True(records.MoveNext());
        }
    }

    /// <summary>Waits for the reporter's thread; the limit only keeps a broken reporter from hanging the suite.</summary>
    private static async Task<string> NextAsync(Channel<string> lines)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await lines.Reader.ReadAsync(limit.Token);
    }
}
