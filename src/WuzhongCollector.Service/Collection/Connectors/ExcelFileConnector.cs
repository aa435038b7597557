using WuzhongCollector.Core.Parsing;
using WuzhongCollector.Core.Sources;

namespace WuzhongCollector.Service.Collection.Connectors;

/// <summary>A department workbook (.xlsx or .xls): one file at a path, or each new file of a drop folder.</summary>
// The drop folder (and its database) is resolved only for drop-folder sources: `check` reads files without a database.
public sealed class ExcelFileConnector(ConfigPaths paths, IServiceProvider services) : ISourceConnector
{
    public SourceKind Kind => SourceKind.Excel;

    public Task<FetchedPayload> FetchAsync(SourceDefinition source, RunLog log, CancellationToken cancellationToken) =>
        CsvFileConnector.FetchFileAsync(source, paths, services.GetRequiredService<DropFolder>, log, cancellationToken);

    public IEnumerable<RawRecord> Read(SourceDefinition source, FetchedPayload payload, CancellationToken cancellationToken) =>
        SourceReader.Read(source, payload.Open, payload.Origin, cancellationToken);

    public bool HasHeader => true;

    public Task SettleAsync(SourceDefinition source, FetchedPayload payload, string? error, CancellationToken cancellationToken) =>
        source.File?.DropFolder is null ? Task.CompletedTask : services.GetRequiredService<DropFolder>().SettleAsync(source, payload, error, cancellationToken);
}
