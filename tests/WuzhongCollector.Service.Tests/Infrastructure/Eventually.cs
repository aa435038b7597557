using System.Diagnostics;

namespace WuzhongCollector.Service.Tests.Infrastructure;

/// <summary>Polls a condition on a short interval with a bounded deadline, instead of sleeping.</summary>
public static class Eventually
{
    public static Task TrueAsync(Func<Task<bool>> probe, int seconds = 60) => Async(async () => await probe() ? "ok" : null, seconds);

    public static Task<T> Async<T>(Func<T?> probe, int seconds = 60) where T : class => Async(() => Task.FromResult(probe()), seconds);

    public static async Task<T> Async<T>(Func<Task<T?>> probe, int seconds = 60) where T : class
    {
        var value = await WaitAsync(probe, v => v is not null, "condition", TimeSpan.FromSeconds(seconds));
        return value!;
    }

    public static async Task<T> WaitAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"timed out after {limit.TotalSeconds:0} s waiting for {what}; last value: {value}");
            }

            await Task.Delay(100);
        }
    }

    public static Task WaitAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        WaitAsync(condition, ok => ok, what, timeout);
}
