using System.Security.Cryptography;
using WuzhongCollector.Core.Parsing;
using WuzhongCollector.Core.Sources;
using WuzhongCollector.Service.Sources;

namespace WuzhongCollector.Service.Collection.Connectors;

/// <summary>A department CSV export: one file at a path under the config folder, or each new file of a drop folder.</summary>
// The drop folder (and its database) is resolved only for drop-folder sources: `check` reads files without a database.
public sealed class CsvFileConnector(ConfigPaths paths, IServiceProvider services) : ISourceConnector
{
    public SourceKind Kind => SourceKind.Csv;

    public Task<FetchedPayload> FetchAsync(SourceDefinition source, RunLog log, CancellationToken cancellationToken) =>
        FetchFileAsync(source, paths, services.GetRequiredService<DropFolder>, log, cancellationToken);

    public IEnumerable<RawRecord> Read(SourceDefinition source, FetchedPayload payload, CancellationToken cancellationToken) =>
        SourceReader.Read(source, payload.Open, payload.Origin, cancellationToken);

    public Task SettleAsync(SourceDefinition source, FetchedPayload payload, string? error, CancellationToken cancellationToken) =>
        source.File?.DropFolder is null ? Task.CompletedTask : services.GetRequiredService<DropFolder>().SettleAsync(source, payload, error, cancellationToken);

    /// <summary>The fetch of every file kind: the configured path, or the next new file of the drop folder.</summary>
    public static async Task<FetchedPayload> FetchFileAsync(SourceDefinition source, ConfigPaths paths, Func<DropFolder> dropFolder, RunLog log, CancellationToken cancellationToken)
    {
        var file = source.File!;
        if (file.DropFolder is not null)
        {
            return await dropFolder().NextAsync(source, log, cancellationToken);
        }

        var origin = Path.GetRelativePath(paths.Directory, paths.Resolve(file.Path!));
        var path = DataPath(source, paths, "file.path", file.Path!);
        log.Step($"file {origin}");
        if (!File.Exists(path))
        {
            throw new PermanentSourceException($"{source.Id}: file {origin} does not exist");
        }

        if (FileKind.NotARegularFile(path) is { } kind)
        {
            throw new PermanentSourceException($"{source.Id}: file {origin} is {kind}, not a regular file: not read");
        }

        return await HashFileAsync(path, origin, cancellationToken);
    }

    /// <summary>
    /// The real path (links resolved) of a file or folder a source names. Checked again at every run, since a link
    /// can appear after the source file was validated: one leading outside the allowed folders fails the run as
    /// <c>config</c> before anything is read or moved.
    /// </summary>
    public static string DataPath(SourceDefinition source, ConfigPaths paths, string field, string configured)
    {
        var (real, refusal) = paths.Data.Resolve(configured);
        return refusal is null ? real : throw new PermanentSourceException($"{source.Id}: {field}: {refusal}") { FailureClass = "config" };
    }

    public bool HasHeader => true;

    /// <summary>
    /// Hashes the file as it streams, keeping none of it: reading and archiving open it again, so memory
    /// stays the same whatever the file's size.
    /// </summary>
    public static async Task<FetchedPayload> HashFileAsync(string path, string origin, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        long size = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            size += read;
        }

        return new FetchedPayload(origin, Convert.ToHexStringLower(hash.GetHashAndReset()), size, null, path);
    }
}
