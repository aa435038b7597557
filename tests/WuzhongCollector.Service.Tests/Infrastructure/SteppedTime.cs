using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace WuzhongCollector.Service.Tests.Infrastructure;

/// <summary>
/// A fake clock that knows which timers were started, so a test advances time exactly when the code is
/// waiting on that timer (Polly#1932: one advance per awaited delay, after the delay has begun).
/// </summary>
public sealed class SteppedTime() : FakeTimeProvider(new DateTimeOffset(2024, 3, 1, 2, 0, 0, TimeSpan.Zero))
{
    private readonly ConcurrentQueue<TimeSpan> started = new();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        Started(dueTime);
        return new RecordingTimer(base.CreateTimer(callback, state, dueTime, period), this);
    }

    private void Started(TimeSpan dueTime)
    {
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            started.Enqueue(dueTime);
        }
    }

    /// <summary>Cancellation sources create their timer idle and set it later with Change (CancelAfter).</summary>
    private sealed class RecordingTimer(ITimer inner, SteppedTime time) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            time.Started(dueTime);
            return inner.Change(dueTime, period);
        }

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    public int TimersStarted(TimeSpan dueTime) => started.Count(t => t == dueTime);

    /// <summary>Waits until <paramref name="count"/> timers of <paramref name="dueTime"/> have started and <paramref name="also"/> holds, then lets that much time pass.</summary>
    public async Task AdvanceWhenStartedAsync(TimeSpan dueTime, int count, Func<bool>? also = null)
    {
        await Poll.UntilAsync(() => TimersStarted(dueTime) >= count && (also?.Invoke() ?? true), $"{count} timer(s) of {dueTime}");
        Advance(dueTime);
    }
}

public static class Poll
{
    /// <summary>Polls every 10 ms for up to 20 s; no fixed sleeps.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (started.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new TimeoutException($"waited 20 s for {what}");
            }

            await Task.Delay(10);
        }
    }

    public static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (started.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"waited 30 s for {what}");
            }

            await Task.Delay(50);
        }
    }
}
