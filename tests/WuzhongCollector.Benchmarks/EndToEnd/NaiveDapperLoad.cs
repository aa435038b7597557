using System.Globalization;
using Dapper;
using Npgsql;
using Sylvan.Data.Csv;

namespace WuzhongCollector.Benchmarks.EndToEnd;

/// <summary>The naive loader people write first: read the CSV, one Dapper INSERT per row, one transaction.</summary>
public static class NaiveDapperLoad
{
    public static async Task<int> RunAsync(string csvPath, string connectionString, int maxRows, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(
            "CREATE TABLE naive_load (indicator text, area text, period text, value numeric, unit text, status text)");
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        using var text = new StreamReader(csvPath);
        await using var csv = CsvDataReader.Create(text);
        var rows = 0;
        while (rows < maxRows && await csv.ReadAsync(cancellationToken))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO naive_load (indicator, area, period, value, unit, status) VALUES (@indicator, @area, @period, @value, @unit, @status)",
                new
                {
                    indicator = csv.GetString(0),
                    area = csv.GetString(1),
                    period = csv.GetString(2),
                    value = decimal.Parse(csv.GetString(3), CultureInfo.InvariantCulture),
                    unit = csv.GetString(4),
                    status = csv.GetString(5),
                },
                transaction,
                cancellationToken: cancellationToken));
            rows++;
        }

        await transaction.CommitAsync(cancellationToken);
        return rows;
    }
}
