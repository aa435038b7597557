using WuzhongCollector.Core.Parsing;
using WuzhongCollector.Core.Tables;

namespace WuzhongCollector.Core.Sources;

public enum SourceKind
{
    Csv,
    HttpJson,
    /// <summary>An .xlsx or .xls workbook.</summary>
    Excel,
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
    TableLayout? Layout = null)
{
    public string KindText => Kind switch
    {
        SourceKind.Csv => "csv",
        SourceKind.Excel => "excel",
        _ => "http-json",
    };
}

public sealed record Schedule(string Cron, string TimeZone);

/// <summary>
/// Where a file source finds its file: one path, or every new file in a drop folder. <paramref name="Sheet"/>
/// picks a workbook's sheet by name, 1-based index among visible sheets, or "*" for all.
/// </summary>
public sealed record FileSettings(string? Path, string? DropFolder, CsvSettings Csv, string? Sheet = null);

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
