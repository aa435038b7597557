using WuzhongCollector.Core.Freshness;
using WuzhongCollector.Core.Parsing;
using WuzhongCollector.Core.Tables;

namespace WuzhongCollector.Core.Sources;

public enum SourceKind
{
    Csv,
    HttpJson,
    /// <summary>NBS new data release API (<c>stream/esData</c>).</summary>
    Nbs,
    /// <summary>NBS legacy <c>easyquery.htm</c>, for archived responses.</summary>
    NbsEasyQuery,
    /// <summary>CKAN Action API <c>datastore_search</c>.</summary>
    Ckan,
    /// <summary>SDMX-JSON data messages, 1.0 and 2.x.</summary>
    SdmxJson,
    /// <summary>JSON-stat 2.0 datasets (PxWeb).</summary>
    JsonStat,
    /// <summary>Socrata SODA resources.</summary>
    Soda,
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
    FreshnessRule? Freshness = null,
    TableLayout? Layout = null)
{
    public string KindText => SourceKinds.Text(Kind);
}

public sealed record Schedule(string Cron, string TimeZone);

/// <summary>
/// Where a file source finds its file: one path, or every new file in a drop folder. <paramref name="Sheet"/>
/// picks a workbook's sheet by name, 1-based index among visible sheets, or "*" for all.
/// </summary>
public sealed record FileSettings(string? Path, string? DropFolder, CsvSettings Csv, string? Sheet = null);

