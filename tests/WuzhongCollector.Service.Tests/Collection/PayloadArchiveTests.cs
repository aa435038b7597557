using System.IO.Compression;
using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace WuzhongCollector.Service.Tests.Collection;

public sealed class PayloadArchiveTests : IDisposable
{
    private readonly TestConfig config = new();
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2024, 3, 1, 2, 0, 0, TimeSpan.Zero));

    private const string Source = """
        name: test csv
        kind: csv
        schedule: { cron: "0 2 * * *" }
        file: { path: exports/robots.csv }
        mapping:
          indicator: { from: 指标名称, codes: { 推广应用工业机器人: INDUSTRIAL_ROBOTS_DEPLOYED } }
          area: 地区
          period: 期别
          value: 数值
        """;

    public void Dispose() => config.Dispose();

    [Fact]
    public async Task Collect_FileOfSeveralChunks_ArchivesGzipChunksThatRebuildTheFileExactly()
    {
        var (bytes, rows) = WriteExport(areas: 1_200);
        config.WriteSource("robots", Source);
        await using var host = await CollectorHost.StartAsync(config, timeProvider: time);

        var run = await host.CollectAsync("robots");

        Assert.Equal(rows, run.Counts!.Stored);
        var payload = await host.QuerySingleAsync<(string Archive, long Size, string Origin)>("SELECT archive, size_bytes, origin FROM payload");
        Assert.Equal(("gzip-chunks", (long)bytes.Length, "exports/robots.csv"), payload);
        var chunks = await host.ScalarAsync<int>("SELECT count(*)::int FROM payload_chunk");
        Assert.Equal((bytes.Length + (1 << 20) - 1) >> 20, chunks);
        var gzip = await host.ScalarAsync<byte[]>("SELECT string_agg(content, ''::bytea ORDER BY seq) FROM payload_chunk");
        Assert.True(gzip.Length < bytes.Length / 3, $"archive of {gzip.Length} bytes for a {bytes.Length}-byte file");
        using var unzipped = new MemoryStream();
        await using (var reader = new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress))
        {
            await reader.CopyToAsync(unzipped);
        }

        Assert.Equal(bytes, unzipped.ToArray());
    }

    [Fact]
    public async Task Collect_SamePayloadUnderNewConfig_ReadsItAgainButArchivesItOnce()
    {
        var (_, rows) = WriteExport(areas: 2);
        config.WriteSource("robots", Source);
        string connectionString;
        await using (var host = await CollectorHost.StartAsync(config, timeProvider: time))
        {
            await host.CollectAsync("robots");
            connectionString = host.ConnectionString;
        }

        config.WriteSource("robots", Source.Replace("name: test csv", "name: test csv, renamed", StringComparison.Ordinal));
        await using var again = await CollectorHost.StartAsync(config, connectionString, timeProvider: time);
        var rerun = await again.CollectAsync("robots");

        Assert.Equal(("succeeded", 0, rows), (rerun.Outcome, rerun.Counts!.Stored, rerun.Counts.Unchanged));
        Assert.Equal((1, 1), (await again.ScalarAsync<int>("SELECT count(*)::int FROM payload"), await again.ScalarAsync<int>("SELECT count(*)::int FROM payload_chunk")));
    }

    [Fact]
    public async Task Collect_FileOverArchiveLimit_RecordsHashAndSizeButNoBytes_AndStillStores()
    {
        var (bytes, rows) = WriteExport(areas: 3);
        config.WriteSource("robots", Source);
        await using var host = await CollectorHost.StartAsync(config, settings: new Dictionary<string, string?> { ["Collector:ArchiveMaxBytes"] = "100" }, timeProvider: time);

        var run = await host.CollectAsync("robots");

        Assert.Equal(rows, run.Counts!.Stored);
        var payload = await host.QuerySingleAsync<(string? Archive, long Size)>("SELECT archive, size_bytes FROM payload");
        Assert.Equal((null, (long)bytes.Length), payload);
        Assert.Equal(0, await host.ScalarAsync<int>("SELECT count(*)::int FROM payload_chunk"));
    }

    /// <summary>A department export of 24 years per area: about 900 bytes per area.</summary>
    private (byte[] Bytes, int Rows) WriteExport(int areas)
    {
        var text = new StringBuilder("指标名称,地区,期别,数值\n");
        for (var area = 0; area < areas; area++)
        {
            for (var year = 2000; year < 2024; year++)
            {
                text.Append("推广应用工业机器人,3205").Append(area.ToString("D6", System.Globalization.CultureInfo.InvariantCulture))
                    .Append(',').Append(year).Append("年,").Append((area * 37) + year).Append('\n');
            }
        }

        var path = config.WriteFile("exports/robots.csv", text.ToString());
        return (File.ReadAllBytes(path), areas * 24);
    }
}
