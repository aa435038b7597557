using WuzhongCollector.Core.Sources;
using WuzhongCollector.Core.Tables;

namespace WuzhongCollector.Core.Parsing;

/// <summary>
/// The one way a payload becomes raw records, for runs and previews alike: tables (CSV, Excel) by their
/// layout, JSON by its records path.
/// </summary>
public static class SourceReader
{
    /// <param name="source">The source definition: its kind, file settings and layout, or records path.</param>
    /// <param name="open">Opens the payload from its start; tables are read twice (shape and notes, then records).</param>
    /// <param name="origin">The file or URL, as rejects and previews name it.</param>
    /// <param name="cancellationToken">Stops the read between rows.</param>
    public static IEnumerable<RawRecord> Read(SourceDefinition source, Func<Stream> open, string origin, CancellationToken cancellationToken = default)
    {
        if (source.Kind == SourceKind.HttpJson)
        {
            using var stream = open();
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            using var document = JsonRecordReader.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), origin);
            return JsonRecordReader.Read(document.RootElement, source.Http!.RecordsPath, origin).ToList();
        }

        return TableReader.Read(open, origin, TableOptions(source), cancellationToken);
    }

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
