using System.Security.Cryptography;
using System.Text;
using WuzhongCollector.Service.Collection.Connectors;

namespace WuzhongCollector.Service.Tests.Collection.Connectors;

public sealed class HashVerifyingStreamTests : IDisposable
{
    private readonly string path = Path.Combine(Path.GetTempPath(), "wuzhong-verify-" + Guid.NewGuid().ToString("N") + ".csv");

    public void Dispose() => File.Delete(path);

    [Fact]
    public async Task Read_FileAsHashed_ReadsEveryByteEvenAfterSeekingBack()
    {
        var bytes = Write(200_000);
        var payload = await CsvFileConnector.HashFileAsync(path, "exports/f.csv", CancellationToken.None);

        await using var stream = payload.Open();
        var head = new byte[65_536];
        stream.ReadExactly(head);
        stream.Position = 0;
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);

        Assert.Equal(bytes, copy.ToArray());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), payload.Sha256);
        Assert.Equal(bytes.Length, payload.Size);
        Assert.Null(payload.Content);
    }

    [Fact]
    public async Task Read_FileRewrittenAfterHashing_ThrowsAtTheEndNamingTheFile()
    {
        Write(200_000);
        var payload = await CsvFileConnector.HashFileAsync(path, "exports/f.csv", CancellationToken.None);
        Write(200_000, seed: 2);

        await using var stream = payload.Open();
        var error = await Assert.ThrowsAsync<IOException>(() => stream.CopyToAsync(Stream.Null));

        Assert.StartsWith("exports/f.csv changed while it was being read", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_FileTruncatedAfterHashing_Throws()
    {
        var bytes = Write(200_000);
        var payload = await CsvFileConnector.HashFileAsync(path, "exports/f.csv", CancellationToken.None);

        await using var stream = payload.Open();
        var head = new byte[100_000];
        stream.ReadExactly(head);
        await File.WriteAllBytesAsync(path, bytes[..50_000]);

        var error = await Assert.ThrowsAsync<IOException>(() => stream.CopyToAsync(Stream.Null));
        Assert.Contains("changed while it was being read", error.Message, StringComparison.Ordinal);
    }

    private byte[] Write(int rows, int seed = 1)
    {
        var text = new StringBuilder("指标名称,期别,数值\n");
        for (var i = 0; i < rows / 20; i++)
        {
            text.Append("推广应用工业机器人,").Append(2000 + (i % 24)).Append("年,").Append(i * seed).Append('\n');
        }

        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        File.WriteAllBytes(path, bytes);
        return bytes;
    }
}
