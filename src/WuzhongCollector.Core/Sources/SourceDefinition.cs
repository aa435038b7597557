using WuzhongCollector.Core.Freshness;
using WuzhongCollector.Core.Parsing;

namespace WuzhongCollector.Core.Sources;

public enum SourceKind
{
    Csv,
    HttpJson,
}

/// <summary>
/// One source, as an admin wrote it in <c>config/sources/&lt;id&gt;.yaml</c>. The id is the file name and
/// the Hangfire recurring-job id.
/// </summary>
public sealed record SourceDefinition(
    string Id,
    string Name,
    SourceKind Kind,
    Schedule Schedule,
    RecordMapping Mapping,
    string ConfigHash,
    string FilePath,
    FileSettings? File = null,
    HttpSettings? Http = null,
    bool Paused = false,
    string? PausedReason = null,
    FreshnessRule? Freshness = null)
{
    public string KindText => Kind switch
    {
        SourceKind.Csv => "csv",
        _ => "http-json",
    };
}

public sealed record Schedule(string Cron, string TimeZone);

/// <summary>Where a file source finds its file: one path, or every new file in a drop folder.</summary>
public sealed record FileSettings(string? Path, string? DropFolder, CsvSettings Csv);

public sealed record HttpSettings(
    string Url,
    string Method,
    IReadOnlyDictionary<string, string> Headers,
    string? Body,
    string RecordsPath,
    Resilience Resilience);

/// <summary>Per-source budget for one occurrence: Polly owns these; Hangfire retries the whole run a few times.</summary>
public sealed record Resilience(
    TimeSpan AttemptTimeout,
    TimeSpan TotalTimeout,
    int MaxRetries,
    TimeSpan BaseDelay,
    TimeSpan MaxRetryAfter,
    TimeSpan BreakDuration)
{
    public static readonly Resilience Default = new(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(3), 3, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5));
}
