namespace WuzhongCollector.Core.Sources;

public static class TimeZones
{
    /// <summary>
    /// Resolves IANA ("Asia/Shanghai") and Windows ("China Standard Time") ids alike, so a bad id fails at
    /// start instead of Hangfire silently disabling the recurring job later.
    /// </summary>
    public static bool TryResolve(string id, out TimeZoneInfo zone)
    {
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            zone = TimeZoneInfo.Utc;
            return false;
        }
    }
}
