using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using WuzhongCollector.Core.Parsing;
using WuzhongCollector.Core.Sources;

namespace WuzhongCollector.Service.Collection.Connectors;

/// <summary>A department CSV export at a path under the config folder.</summary>
public sealed class CsvFileConnector(ConfigPaths paths, IOptions<CollectorOptions> options) : ISourceConnector
{
    public SourceKind Kind => SourceKind.Csv;

    public async Task<FetchedPayload> FetchAsync(SourceDefinition source, RunLog log, CancellationToken cancellationToken)
    {
        var file = source.File!;
        var path = paths.Resolve(file.Path ?? throw new PermanentSourceException($"{source.Id}: drop folders are not supported by this connector"));
        var origin = Path.GetRelativePath(paths.Directory, path);
        log.Step($"file {origin}");
        if (!File.Exists(path))
        {
            throw new PermanentSourceException($"{source.Id}: file {origin} does not exist");
        }

        return await HashFileAsync(path, origin, options.Value.ArchiveMaxBytes, cancellationToken);
    }

    public IEnumerable<RawRecord> Read(SourceDefinition source, FetchedPayload payload, CancellationToken cancellationToken)
    {
        var stream = payload.Open();
        try
        {
            foreach (var record in CsvRecordReader.Read(stream, payload.Origin, source.File!.Csv, cancellationToken))
            {
                yield return record;
            }
        }
        finally
        {
            stream.Dispose();
        }
    }

    public IReadOnlyList<string>? ReadColumns(SourceDefinition source, FetchedPayload payload)
    {
        using var stream = payload.Open();
        return CsvRecordReader.ReadHeader(stream, payload.Origin, source.File!.Csv);
    }

    /// <summary>Hashes the file as it streams, keeping the bytes only when small enough to archive.</summary>
    public static async Task<FetchedPayload> HashFileAsync(string path, string origin, long archiveMaxBytes, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        var keep = stream.Length <= archiveMaxBytes;
        byte[]? content = keep ? new byte[stream.Length] : null;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        long offset = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            if (content is not null && offset + read <= content.Length)
            {
                Buffer.BlockCopy(buffer, 0, content, (int)offset, read);
            }

            offset += read;
        }

        return new FetchedPayload(origin, Convert.ToHexStringLower(hash.GetHashAndReset()), offset, content, path);
    }
}
