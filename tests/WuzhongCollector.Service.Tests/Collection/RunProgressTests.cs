using System.Net;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
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
    public async Task ScheduledRun_ShowsItsProgressOnTheJobPageWhileItRuns_AndARunShorterThanOneIntervalWritesNone()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LoopbackServer.StartAsync(async (_, context) =>
        {
            if (context.Request.Path.StartsWithSegments("/slow", StringComparison.Ordinal))
            {
                arrived.TrySetResult();
                await release.Task.WaitAsync(context.RequestAborted);
            }

            await LoopbackServer.Json(context, Samples.HttpRecords);
        });
        using var config = new TestConfig();
        // The fake clock jumps by one interval while the slow call waits: its timeouts must outlast that jump.
        config.WriteSource("slow", Samples.Http($"{server.BaseUrl}/slow").Replace("attemptTimeoutSeconds: 5, totalTimeoutSeconds: 20", "attemptTimeoutSeconds: 300, totalTimeoutSeconds: 600", StringComparison.Ordinal));
        config.WriteSource("quick", Samples.Http($"{server.BaseUrl}/quick"));
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var logs = new CapturedLogs();
        await using var host = await CollectorHost.StartAsync(config, timeProvider: time,
            settings: Samples.Fast(("Logging:LogLevel:Default", "Information")), configure: b => b.Logging.AddProvider(logs));
        await host.WaitForRecurringAsync(new Dictionary<string, string> { ["slow"] = "0 * * * *", ["quick"] = "0 * * * *" });

        var quick = host.Trigger("quick");
        Assert.Equal("Succeeded", (await host.WaitForJobAsync(quick, "Succeeded", "Failed")).State);
        var slow = host.Trigger("slow");
        await arrived.Task.WaitAsync(TimeSpan.FromMinutes(2));
        time.Advance(RunProgress.Interval);
        var whileRunning = await JobPageShowingAsync(host, slow, "fetching: 0 rows read, ");
        release.SetResult();
        Assert.Equal("Succeeded", (await host.WaitForJobAsync(slow, "Succeeded", "Failed")).State);
        var finished = await JobPageShowingAsync(host, slow, "partial: 3 rows read, ");

        Assert.Contains(CollectSourceJob.ProgressParameter, whileRunning, StringComparison.Ordinal);
        Assert.Contains(CollectSourceJob.ProgressParameter, finished, StringComparison.Ordinal);
        Assert.DoesNotContain(CollectSourceJob.ProgressParameter, await host.Http.GetStringAsync($"/hangfire/jobs/details/{quick}"), StringComparison.Ordinal);
        // The log says the counts in words, with each as a field of its own.
        Assert.Contains(logs.Entries, e => e.Text.StartsWith("Run ", StringComparison.Ordinal)
            && e.Text.Contains(" of quick: partial, 3 rows read, 2 stored, 0 unchanged, 1 rejected, 0 missing [", StringComparison.Ordinal)
            && e.Text.Contains("Stored=2", StringComparison.Ordinal));
    }

    /// <summary>The job's page once it shows <paramref name="text"/>; the limit only keeps a broken reporter from hanging the suite.</summary>
    private static async Task<string> JobPageShowingAsync(CollectorHost host, string jobId, string text)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (true)
        {
            var page = await host.Http.GetStringAsync($"/hangfire/jobs/details/{jobId}", limit.Token);
            if (page.Contains(WebUtility.HtmlEncode(text), StringComparison.Ordinal))
            {
                return page;
            }

            await Task.Delay(50, limit.Token);
        }
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
