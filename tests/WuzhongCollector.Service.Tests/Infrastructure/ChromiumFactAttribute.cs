namespace WuzhongCollector.Service.Tests.Infrastructure;

/// <summary>
/// A browser test on the machine's Debian chromium. .ci/run installs it, so on CI (CI set) the test always runs
/// and a missing browser fails it; on a developer machine without chromium it is skipped with the reason.
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string ExecutablePath = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(ExecutablePath) && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Skip = $"{ExecutablePath} is missing: apt-get install chromium fonts-wqy-zenhei (as .ci/run does)";
        }
    }
}
