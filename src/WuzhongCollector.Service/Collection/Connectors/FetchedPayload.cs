namespace WuzhongCollector.Service.Collection.Connectors;

/// <summary>
/// A fetched payload. <see cref="Origin"/> names the file or URL without secrets. <see cref="Content"/>
/// holds the bytes of a payload that arrives in memory (an HTTP body); a file is never held whole: it is
/// re-read, and checked against <see cref="Sha256"/>, each time it is opened.
/// </summary>
public sealed record FetchedPayload(string Origin, string Sha256, long Size, byte[]? Content, string? FilePath)
{
    /// <summary>A drop folder with no new file: the run has nothing to read and ends as unchanged.</summary>
    public bool NothingNew { get; init; }


    public Stream Open() => Content is not null
        ? new MemoryStream(Content, writable: false)
        : new HashVerifyingStream(
            new FileStream(FilePath!, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan), Sha256, Origin);
}
