namespace WuzhongCollector.Service.Collection.Connectors;

/// <summary>
/// A fetched payload. <see cref="Origin"/> names the file or URL without secrets. <see cref="Content"/>
/// holds the bytes when they are small enough to archive; large files are re-read from disk when parsed.
/// </summary>
public sealed record FetchedPayload(string Origin, string Sha256, long Size, byte[]? Content, string? FilePath)
{
    /// <summary>A drop folder with no new file: the run has nothing to read and ends as unchanged.</summary>
    public bool NothingNew { get; init; }


    public Stream Open() => Content is not null
        ? new MemoryStream(Content, writable: false)
        : new FileStream(FilePath!, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
}
