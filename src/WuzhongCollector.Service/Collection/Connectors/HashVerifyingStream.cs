using System.Security.Cryptography;

namespace WuzhongCollector.Service.Collection.Connectors;

/// <summary>
/// Reads a file whose SHA-256 was taken when it was fetched, and fails at the end of the file if the bytes
/// read differ: a department tool rewriting the export during a run must not leave stored rows or an
/// archive that do not match the recorded hash. The failure is an <see cref="IOException"/>, so the run
/// fails as transient, rolls back, and the next attempt reads the new file.
/// </summary>
public sealed class HashVerifyingStream(Stream inner, string expectedSha256, string origin) : Stream
{
    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long hashedUpTo;
    private bool skippedAhead;
    private bool verified;

    public override bool CanRead => true;

    public override bool CanSeek => inner.CanSeek;

    public override bool CanWrite => false;

    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => inner.Position = value;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var at = inner.Position;
        var read = inner.Read(buffer);
        Account(at, buffer[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var at = inner.Position;
        var read = await inner.ReadAsync(buffer, cancellationToken);
        Account(at, buffer.Span[..read]);
        return read;
    }

    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>Hashes each byte the first time it is read; readers may seek back (encoding detection does).</summary>
    private void Account(long at, ReadOnlySpan<byte> read)
    {
        if (read.IsEmpty)
        {
            // The end of the file: before bytes already read means the file shrank.
            Verify(shrank: at < hashedUpTo);
            return;
        }

        if (at > hashedUpTo)
        {
            skippedAhead = true;
        }
        else if (at + read.Length > hashedUpTo)
        {
            hash.AppendData(read[(int)(hashedUpTo - at)..]);
            hashedUpTo = at + read.Length;
        }
    }

    private void Verify(bool shrank)
    {
        if (verified || skippedAhead)
        {
            return;
        }

        verified = true;
        var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
        if (shrank || actual != expectedSha256)
        {
            throw new IOException(
                $"{origin} changed while it was being read (SHA-256 {actual[..12]}, fetched as {expectedSha256[..12]}); nothing from this run was stored, the next attempt reads the new file");
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            hash.Dispose();
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
