using System.Text.RegularExpressions;

namespace WuzhongCollector.Core.Sources;

public static partial class SourceIds
{
    /// <summary>Ids are file names and Hangfire job ids, so keep them to a safe alphabet.</summary>
    public static bool IsValid(string id) => Pattern().IsMatch(id);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,79}$")]
    private static partial Regex Pattern();
}
