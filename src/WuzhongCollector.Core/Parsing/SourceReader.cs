using WuzhongCollector.Core.Sources;
using WuzhongCollector.Core.Tables;

namespace WuzhongCollector.Core.Parsing;

/// <summary>
/// The one way a file payload (CSV, Excel) becomes raw records, for runs and previews alike: tables by their
/// layout. HTTP answers are decoded by kind in <see cref="OpenData.OpenDataReader"/>.
/// </summary>
public static class SourceReader
{
    /// <param name="source">The source definition: its kind, file settings and layout.</param>
    /// <param name="open">Opens the payload from its start; tables are read twice (shape and notes, then records).</param>
    /// <param name="origin">The file, as rejects and previews name it.</param>
    /// <param name="cancellationToken">Stops the read between rows.</param>
    public static IEnumerable<RawRecord> Read(SourceDefinition source, Func<Stream> open, string origin, CancellationToken cancellationToken = default) =>
        TableReader.Read(open, origin, TableOptions(source), cancellationToken);

    public static TableOptions TableOptions(SourceDefinition source)
    {
        var file = source.File ?? throw new InvalidOperationException($"{source.Id}: a {source.KindText} source has no file settings");
        return new TableOptions(
            source.Kind == SourceKind.Excel ? TableFormat.Excel : TableFormat.Csv,
            file.Csv,
            file.Sheet,
            source.Layout ?? TableLayout.Plain(file.Csv.HeaderRow));
    }
}
