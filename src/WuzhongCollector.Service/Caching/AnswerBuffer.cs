namespace WuzhongCollector.Service.Caching;

/// <summary>
/// Collects an answer in memory up to a limit, so that it can be hashed and kept. An answer that grows past
/// the limit is not kept: the response starts, and what was collected and everything after it goes straight out.
/// </summary>
internal sealed class AnswerBuffer(HttpResponse response, AnswerFormat format, long limit) : Stream
{
    private MemoryStream? collected = new();

    public bool Streamed => collected is null;

    public byte[] ToArray() => collected!.ToArray();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (collected is not null && collected.Length + buffer.Length <= limit)
        {
            collected.Write(buffer.Span);
            return;
        }

        if (collected is not null)
        {
            format.Apply(response);
            await response.Body.WriteAsync(collected.GetBuffer().AsMemory(0, (int)collected.Length), cancellationToken);
            collected = null;
        }

        await response.Body.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) => collected is null ? response.Body.FlushAsync(cancellationToken) : Task.CompletedTask;

    public override void Flush()
    {
    }

    /// <summary>Writers here are asynchronous; a synchronous write could block a request thread on the network.</summary>
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("write answers asynchronously");

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
