using Hangfire.AspNetCore;
using Hangfire.Logging;

namespace WuzhongCollector.Service.Collection;

/// <summary>
/// Hangfire's log provider is process-wide, and the ASP.NET Core one holds one host's logger factory. With
/// several hosts in one process (the tests, the benchmark), disposing one host made every other host's
/// Hangfire workers fail while creating loggers and back off for up to 25 s. This one logs through the
/// host that configured it last and stays silent, instead of failing, once that host is gone.
/// </summary>
public sealed class SurvivingHangfireLogProvider(ILoggerFactory loggerFactory) : ILogProvider
{
    private readonly AspNetCoreLogProvider inner = new(loggerFactory);

    public ILog GetLogger(string name)
    {
        try
        {
            return inner.GetLogger(name);
        }
        catch (ObjectDisposedException)
        {
            return Silent.Instance;
        }
    }

    private sealed class Silent : ILog
    {
        public static readonly Silent Instance = new();

        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
    }
}
