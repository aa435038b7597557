namespace WuzhongCollector.Service.Tests.Infrastructure;

/// <summary>Direct SQL against a host's database, to assert what was really stored.</summary>
public static class HostQueries
{
    public static async Task<T> ScalarAsync<T>(this CollectorHost host, string sql, object? args = null)
    {
        await using var connection = new NpgsqlConnection(host.ConnectionString);
        return (await connection.ExecuteScalarAsync<T>(sql, args))!;
    }

    public static async Task<IEnumerable<T>> QueryAsync<T>(this CollectorHost host, string sql, object? args = null)
    {
        await using var connection = new NpgsqlConnection(host.ConnectionString);
        return (await connection.QueryAsync<T>(sql, args)).ToList();
    }

    /// <summary>The archived bytes of the only payload: its gzip chunks, joined and unzipped.</summary>
    public static async Task<byte[]> ArchivedPayloadAsync(this CollectorHost host)
    {
        var gzip = await host.ScalarAsync<byte[]>("SELECT string_agg(content, ''::bytea ORDER BY seq) FROM payload_chunk");
        using var unzipped = new MemoryStream();
        await using (var reader = new System.IO.Compression.GZipStream(new MemoryStream(gzip), System.IO.Compression.CompressionMode.Decompress))
        {
            await reader.CopyToAsync(unzipped);
        }

        return unzipped.ToArray();
    }

    public static async Task<T> QuerySingleAsync<T>(this CollectorHost host, string sql, object? args = null)
    {
        await using var connection = new NpgsqlConnection(host.ConnectionString);
        return await connection.QuerySingleAsync<T>(sql, args);
    }
}

public sealed record SeriesPointDto(string Indicator, string Area, string Period, string PeriodType, decimal Value, string Unit, string Status, string Source, int Vintage);

public sealed record SeriesDto(string Indicator, string Unit, List<SeriesPointDto> Points);
