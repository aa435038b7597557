using System.Diagnostics;

namespace WuzhongCollector.Service.Tests.Infrastructure;

/// <summary>Polls a condition on a short interval with a bounded deadline, instead of sleeping.</summary>
public static class Eventually
{
    public static Task TrueAsync(Func<Task<bool>> probe, int seconds = 60) => Async(async () => await probe() ? "ok" : null, seconds);

    public static Task<T> Async<T>(Func<T?> probe, int seconds = 60) where T : class => Async(() => Task.FromResult(probe()), seconds);

    public static async Task<T> Async<T>(Func<Task<T?>> probe, int seconds = 60) where T : class
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(seconds))
            {
                throw new TimeoutException($"condition not met within {seconds} s");
            }

            await Task.Delay(100);
        }
    }
}
