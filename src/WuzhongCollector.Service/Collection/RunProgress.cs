using System.Globalization;

namespace WuzhongCollector.Service.Collection;

/// <summary>
/// Where a run is: its stage and the records read so far. The run updates it; a reporter reads it from another
/// thread every few seconds (<see cref="ReportEvery"/>), for the CLI's terminal and the job's dashboard page.
/// </summary>
public sealed class RunProgress(TimeProvider timeProvider)
{
    /// <summary>How often long work says where it is: on a terminal, and on the job's page.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly TimeProvider time = timeProvider;
    private readonly long startedAt = timeProvider.GetTimestamp();
    private long rows;
    private volatile string stage = "starting";

    public long Rows => Interlocked.Read(ref rows);

    public string Stage => stage;

    public void Enter(string name) => stage = name;

    /// <summary>Counts the records as the writer takes them; when the last is taken, the figures are being stored.</summary>
    public IEnumerable<T> Count<T>(IEnumerable<T> records)
    {
        Enter("reading");
        foreach (var record in records)
        {
            Interlocked.Increment(ref rows);
            yield return record;
        }

        Enter("storing");
    }

    /// <summary>One line: stage, rows read, the rate since <paramref name="since"/> (rows and timestamp of the previous line) and the time so far.</summary>
    public string Describe((long Rows, long Timestamp) since)
    {
        var now = Rows;
        var seconds = time.GetElapsedTime(since.Timestamp).TotalSeconds;
        var rate = seconds > 0 ? (now - since.Rows) / seconds : 0;
        return string.Create(CultureInfo.InvariantCulture,
            $"{Stage}: {now:N0} rows read, {rate:N0} rows/s, {time.GetElapsedTime(startedAt).TotalSeconds:N0} s");
    }

    /// <summary>The line for the whole run so far: the average rate since the start.</summary>
    public string Describe() => Describe((0, startedAt));

    /// <summary>
    /// Calls <paramref name="report"/> with a line every <paramref name="interval"/> until disposed, then once
    /// more with the whole run's line; with <paramref name="lastLineOfShortWork"/> false, that last line only
    /// follows earlier ones. A failing report is skipped: showing progress never fails a run.
    /// </summary>
    public IAsyncDisposable ReportEvery(TimeSpan interval, Func<string, CancellationToken, Task> report, bool lastLineOfShortWork = true) =>
        new Reporter(this, interval, report, lastLineOfShortWork);

    private sealed class Reporter : IAsyncDisposable
    {
        private readonly RunProgress progress;
        private readonly Func<string, CancellationToken, Task> report;
        private readonly CancellationTokenSource stop = new();
        private readonly Task loop;
        // Whether the whole run's line ends the report: after any earlier line, or always when short work says it too.
        private bool lastLineDue;

        public Reporter(RunProgress progress, TimeSpan interval, Func<string, CancellationToken, Task> report, bool lastLineOfShortWork)
        {
            this.progress = progress;
            this.report = report;
            lastLineDue = lastLineOfShortWork;
            // The timer exists before the constructor returns, so time advanced after it counts (tests advance fake time).
            var timer = new PeriodicTimer(interval, progress.time);
            loop = LoopAsync(timer);
        }

        private async Task LoopAsync(PeriodicTimer timer)
        {
            using (timer)
            {
                var since = (progress.Rows, progress.time.GetTimestamp());
                try
                {
                    while (await timer.WaitForNextTickAsync(stop.Token))
                    {
                        var line = progress.Describe(since);
                        since = (progress.Rows, progress.time.GetTimestamp());
                        lastLineDue = true;
                        await TryReportAsync(line, stop.Token);
                    }
                }
                catch (OperationCanceledException)
                {
                }
            }
        }

        private async Task TryReportAsync(string line, CancellationToken cancellationToken)
        {
            try
            {
                await report(line, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A closed terminal or a storage hiccup must not cost the run; the next line tries again.
            }
        }

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await loop;
            stop.Dispose();
            if (lastLineDue)
            {
                await TryReportAsync(progress.Describe(), CancellationToken.None);
            }
        }
    }
}
