namespace WuzhongCollector.Service.Tests.Infrastructure;

/// <summary>A test of the private cluster itself: skipped, with the reason, when tests use an external server.</summary>
public sealed class EmbeddedFactAttribute : FactAttribute
{
    public EmbeddedFactAttribute()
    {
        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("WUZHONG_TEST_CONNECTION")))
        {
            Skip = "WUZHONG_TEST_CONNECTION points the tests at an external server";
        }
    }
}
