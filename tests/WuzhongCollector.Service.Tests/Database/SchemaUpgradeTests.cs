using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using WuzhongCollector.Core.Normalisation;
using WuzhongCollector.Service.Database;
using WuzhongCollector.Service.Plan;
using WuzhongCollector.Service.Query;

namespace WuzhongCollector.Service.Tests.Database;

/// <summary>
/// A database filled under the old storage model (every vintage in one history table, the latest again in a
/// second one) is upgraded in place: nothing is lost, and the API's own queries answer exactly as before.
/// </summary>
public sealed class SchemaUpgradeTests
{
    private static readonly DateTimeOffset T1 = new(2024, 1, 10, 2, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset T2 = T1.AddDays(30);
    private static readonly DateTimeOffset T3 = T2.AddDays(30);

    /// <summary>
    /// As the old writer left them: sources a (公报) and b (快报) revising the same keys, statuses changing, one
    /// key of another area. The latest table holds each key's last vintage.
    /// </summary>
    private const string OldFigures = """
        INSERT INTO indicator (code, name_zh, name_en, unit, kind, section, departments, plan_text)
        VALUES ('INDUSTRIAL_ROBOTS_DEPLOYED', '工业机器人', 'Industrial robots', '台', 'cumulative', '1', '{区工信局}', '');
        INSERT INTO source (id, name, kind, cron, time_zone, config_hash, registered_at)
        VALUES ('a', '公报', 'csv', '0 2 * * *', 'Asia/Shanghai', 'h', @t1), ('b', '快报', 'csv', '0 2 * * *', 'Asia/Shanghai', 'h', @t1);
        INSERT INTO run (source_id, started_at, finished_at, outcome, origin, config_hash)
        VALUES ('a', @t1, @t1, 'succeeded', 'a-1.csv', 'h'), ('b', @t1, @t1, 'succeeded', 'b-1.csv', 'h'), ('a', @t3, @t3, 'succeeded', 'a-2.csv', 'h');
        INSERT INTO observation (indicator_code, area_code, period, source_id, vintage, period_type, period_end, value, status, run_id, recorded_at, payload_sha256, location) VALUES
            ('INDUSTRIAL_ROBOTS_DEPLOYED', '320506', '2021', 'a', 1, 'year', '2021-12-31', 300, 'normal', 1, @t1, 'sha-a1', 'a.csv row 2'),
            ('INDUSTRIAL_ROBOTS_DEPLOYED', '320506', '2021', 'a', 2, 'year', '2021-12-31', 310, 'normal', 3, @t3, 'sha-a2', 'a.csv row 2'),
            ('INDUSTRIAL_ROBOTS_DEPLOYED', '320506', '2021', 'b', 1, 'year', '2021-12-31', 305, 'provisional', 2, @t2, 'sha-b1', 'b.csv row 2'),
            ('INDUSTRIAL_ROBOTS_DEPLOYED', '320506', '2022', 'b', 1, 'year', '2022-12-31', 600, 'estimated', 2, @t1, 'sha-b1', 'b.csv row 3'),
            ('INDUSTRIAL_ROBOTS_DEPLOYED', '320506', '2022', 'b', 2, 'year', '2022-12-31', 655, 'provisional', 2, @t2, 'sha-b1', 'b.csv row 3'),
            ('INDUSTRIAL_ROBOTS_DEPLOYED', '320506', '2022', 'b', 3, 'year', '2022-12-31', 655, 'normal', 2, @t3, 'sha-b1', 'b.csv row 3'),
            ('INDUSTRIAL_ROBOTS_DEPLOYED', '320506', '2023-01..2023-09', 'a', 1, 'ytd', '2023-09-30', 905, 'normal', 3, @t3, 'sha-a2', 'a.csv row 4'),
            ('INDUSTRIAL_ROBOTS_DEPLOYED', '320506001', '2021', 'a', 1, 'year', '2021-12-31', 12, 'normal', 1, @t1, 'sha-a1', 'a.csv row 5');
        INSERT INTO observation_latest
        SELECT DISTINCT ON (indicator_code, area_code, period, source_id) * FROM observation
        ORDER BY indicator_code, area_code, period, source_id, vintage DESC;
        """;

    [Fact]
    public async Task Upgrade_FromHistoryAndLatestTables_KeepsEveryVintage_AndEveryQueryAnswersAsBefore()
    {
        await using var dataSource = NpgsqlDataSource.Create(await TestServer.CreateDatabaseAsync("upgrade"));
        await SchemaMigrator.MigrateAsync(dataSource, NullLogger.Instance, CancellationToken.None, before: "130");
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync(OldFigures, new { t1 = T1, t2 = T2, t3 = T3 });
        var before = await AnswersAsync(connection);
        var latestPeriodsBefore = await RowsAsync(connection,
            "SELECT source_id, indicator_code, max(period_end) FROM observation_latest GROUP BY 1, 2 ORDER BY 1, 2");

        await SchemaMigrator.MigrateAsync(dataSource, NullLogger.Instance, CancellationToken.None);

        Assert.Equal(before, await AnswersAsync(connection));
        Assert.Equal(latestPeriodsBefore, await RowsAsync(connection, "SELECT source_id, indicator_code, period_end FROM source_indicator_latest ORDER BY 1, 2"));
        Assert.Equal(
            ["2021|a|1|300|2024-03-10", "2022|b|1|600|2024-02-09", "2022|b|2|655|2024-03-10"],
            await RowsAsync(connection, "SELECT period, source_id, vintage, value, superseded_at::date FROM observation_superseded ORDER BY 1, 2, 3"));
        Assert.Equal(5, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM observation_latest"));

        // A run after the upgrade continues the key's vintages where the old tables left them.
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            Assert.True(PeriodParser.TryParse("2022", out var year));
            var next = new Observation("INDUSTRIAL_ROBOTS_DEPLOYED", "320506", year, 660m, ObservationStatus.Normal, "b.csv row 3");
            await ObservationWriter.WriteAsync(connection, transaction, "b", 4, "sha-b2", T3.AddDays(1), [(next, null)], CancellationToken.None);
            await transaction.CommitAsync();
        }

        Assert.Equal(["1|600|estimated", "2|655|provisional", "3|655|normal", "4|660|normal"],
            await RowsAsync(connection, "SELECT vintage, value, status FROM observation WHERE source_id = 'b' AND period = '2022' ORDER BY vintage"));
    }

    /// <summary>What the API, the plan page and the analysts read: series (now and as of each run), revisions, current figures, the analyst views.</summary>
    private static async Task<List<string>> AnswersAsync(NpgsqlConnection connection)
    {
        var answers = new List<string>();
        foreach (var asOf in new DateTimeOffset?[] { null, T1, T2, T3 })
        {
            foreach (var area in new[] { "320506", null })
            {
                answers.AddRange(await RowsAsync(connection, QueryApi.SeriesSql,
                    new { code = "INDUSTRIAL_ROBOTS_DEPLOYED", unit = "台", area, asOf, fromDate = (DateOnly?)null, toDate = (DateOnly?)null }));
            }

            answers.AddRange(await RowsAsync(connection, RevisionsApi.VintagesSql,
                new { code = "INDUSTRIAL_ROBOTS_DEPLOYED", area = "320506", period = (string?)null, asOf }));
            var current = await CurrentFigures.LoadAsync(connection, null, ["INDUSTRIAL_ROBOTS_DEPLOYED"], "320506", asOf, CancellationToken.None);
            answers.AddRange(current.SelectMany(c => c.Value).Select(f => $"{f.Period}|{f.Value}|{f.Status}|{f.Source}|{f.Vintage}|{f.RecordedAt:O}"));
        }

        answers.AddRange(await RowsAsync(connection, "SELECT * FROM analyst.observation_history ORDER BY area_code, period, source_id, vintage"));
        answers.AddRange(await RowsAsync(connection, "SELECT * FROM analyst.current_observations ORDER BY area_code, period"));
        answers.AddRange(await RowsAsync(connection, "SELECT * FROM observation ORDER BY area_code, period, source_id, vintage"));
        return answers;
    }

    private static async Task<List<string>> RowsAsync(NpgsqlConnection connection, string sql, object? args = null)
    {
        await using var reader = await connection.ExecuteReaderAsync(sql, args);
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            var values = new object[reader.FieldCount];
            reader.GetValues(values);
            rows.Add(string.Join('|', values.Select(v => v switch
            {
                DateTime d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + (d.TimeOfDay == TimeSpan.Zero ? "" : d.ToString("'T'HH:mm:ss", CultureInfo.InvariantCulture)),
                DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => v.ToString(),
            })));
        }

        return rows;
    }
}
