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

    public static async Task<T> QuerySingleAsync<T>(this CollectorHost host, string sql, object? args = null)
    {
        await using var connection = new NpgsqlConnection(host.ConnectionString);
        return await connection.QuerySingleAsync<T>(sql, args);
    }
}

public sealed record SeriesPointDto(string Indicator, string Area, string Period, string PeriodType, decimal Value, string Unit, string Status, string Source, int Vintage);

public sealed record SeriesDto(string Indicator, string Unit, List<SeriesPointDto> Points);
