using Microsoft.Extensions.Logging.Abstractions;
using WuzhongCollector.Core.Normalisation;
using WuzhongCollector.Service.Database;

namespace WuzhongCollector.Service.Tests.Collection;

/// <summary>Pins the write path's vintage, status and provenance rules, row by row, on a real database.</summary>
public sealed class ObservationWriterTests
{
    private static readonly DateTimeOffset FirstRun = new(2024, 3, 1, 2, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset SecondRun = FirstRun.AddDays(1);

    private sealed record Row(string IndicatorCode, string Period, int Vintage, decimal Value, string Status, long RunId, DateTime RecordedAt, string PayloadSha256, string Location);

    [Fact]
    public async Task WriteAsync_NewKeys_StoreVintageOneWithProvenance_OnceInLatest()
    {
        await using var db = await Database.CreateAsync();

        var counts = await db.WriteAsync("src", 1, "sha-1", FirstRun, Obs("2021", 310m), Obs("2022", 655m, ObservationStatus.Provisional));

        Assert.Equal(new WriteSummary(2, 2, 0, 0, 0), counts);
        Row[] expected =
        [
            new("INDUSTRIAL_ROBOTS_DEPLOYED", "2021", 1, 310m, "normal", 1, FirstRun.UtcDateTime, "sha-1", "f.csv row 2021"),
            new("INDUSTRIAL_ROBOTS_DEPLOYED", "2022", 1, 655m, "provisional", 1, FirstRun.UtcDateTime, "sha-1", "f.csv row 2022"),
        ];
        Assert.Equal(expected, await db.RowsAsync("observation"));
        Assert.Equal(expected, await db.RowsAsync("observation_latest"));
        Assert.Equal(0, await db.ScalarAsync<long>("SELECT count(*) FROM observation_superseded"));
        Assert.Equal([("src", "INDUSTRIAL_ROBOTS_DEPLOYED", new DateTime(2022, 12, 31))],
            await db.QueryAsync<(string, string, DateTime)>("SELECT source_id, indicator_code, period_end FROM source_indicator_latest"));
    }

    [Fact]
    public async Task WriteAsync_RevisionWithOneChangedValue_AddsOneVintageAndLeavesTheOtherRowsUntouched()
    {
        await using var db = await Database.CreateAsync();
        await db.WriteAsync("src", 1, "sha-1", FirstRun, Obs("2021", 310m), Obs("2022", 655m));
        var versions = await db.QueryAsync<(string, string)>("SELECT period, xmin::text FROM observation_latest ORDER BY period");

        var counts = await db.WriteAsync("src", 2, "sha-2", SecondRun, Obs("2021", 310m), Obs("2022", 702m));

        Assert.Equal(new WriteSummary(2, 1, 1, 0, 0), counts);
        Assert.Equal(
            [
                new Row("INDUSTRIAL_ROBOTS_DEPLOYED", "2021", 1, 310m, "normal", 1, FirstRun.UtcDateTime, "sha-1", "f.csv row 2021"),
                new Row("INDUSTRIAL_ROBOTS_DEPLOYED", "2022", 1, 655m, "normal", 1, FirstRun.UtcDateTime, "sha-1", "f.csv row 2022"),
                new Row("INDUSTRIAL_ROBOTS_DEPLOYED", "2022", 2, 702m, "normal", 2, SecondRun.UtcDateTime, "sha-2", "f.csv row 2022"),
            ],
            await db.RowsAsync("observation"));
        Assert.Equal(
            [
                new Row("INDUSTRIAL_ROBOTS_DEPLOYED", "2021", 1, 310m, "normal", 1, FirstRun.UtcDateTime, "sha-1", "f.csv row 2021"),
                new Row("INDUSTRIAL_ROBOTS_DEPLOYED", "2022", 2, 702m, "normal", 2, SecondRun.UtcDateTime, "sha-2", "f.csv row 2022"),
            ],
            await db.RowsAsync("observation_latest"));
        // The replaced vintage moved to observation_superseded, stamped with the time its successor was recorded.
        Assert.Equal([("2022", 1, 655m, 1L, SecondRun.UtcDateTime)], await db.QueryAsync<(string, int, decimal, long, DateTime)>(
            "SELECT period, vintage, value, run_id, superseded_at FROM observation_superseded"));
        // Only the changed row was written to (a new row version); the unchanged one was not even locked.
        var after = await db.QueryAsync<(string Period, string Xmin, string Xmax)>("SELECT period, xmin::text, xmax::text FROM observation_latest ORDER BY period");
        Assert.Equal([("2021", versions[0].Item2, "0")], after.Where(r => r.Period == "2021"));
        Assert.NotEqual(versions[1].Item2, after.Single(r => r.Period == "2022").Xmin);
    }

    [Fact]
    public async Task WriteAsync_SameValueWithNewStatus_AddsVintage()
    {
        await using var db = await Database.CreateAsync();
        await db.WriteAsync("src", 1, "sha-1", FirstRun, Obs("2022", 655m, ObservationStatus.Provisional));

        var counts = await db.WriteAsync("src", 2, "sha-2", SecondRun, Obs("2022", 655m));

        Assert.Equal(new WriteSummary(1, 1, 0, 0, 0), counts);
        Assert.Equal(
            [(1, "provisional"), (2, "normal")],
            await db.QueryAsync<(int, string)>("SELECT vintage, status FROM observation ORDER BY vintage"));
    }

    [Fact]
    public async Task WriteAsync_SameKeyFromAnotherSource_KeepsVintagesPerSource()
    {
        await using var db = await Database.CreateAsync();
        await db.WriteAsync("a", 1, "sha-1", FirstRun, Obs("2022", 655m));

        var counts = await db.WriteAsync("b", 2, "sha-2", SecondRun, Obs("2022", 700m));

        Assert.Equal(new WriteSummary(1, 1, 0, 0, 0), counts);
        Assert.Equal(
            [("a", 1, 655m), ("b", 1, 700m)],
            await db.QueryAsync<(string, int, decimal)>("SELECT source_id, vintage, value FROM observation_latest ORDER BY source_id"));
    }

    [Fact]
    public async Task WriteAsync_IdenticalRepeats_CollapseToOneKeyOnNewAndExistingKeys()
    {
        await using var db = await Database.CreateAsync();
        await db.WriteAsync("src", 1, "sha-1", FirstRun, Obs("2021", 310m));

        var counts = await db.WriteAsync("src", 2, "sha-2", SecondRun, Obs("2021", 310m), Obs("2021", 310m), Obs("2022", 655m), Obs("2022", 655m));

        Assert.Equal(new WriteSummary(4, 1, 1, 0, 0), counts);
        Assert.Equal(
            [("2021", 1, 310m), ("2022", 1, 655m)],
            await db.QueryAsync<(string, int, decimal)>("SELECT period, vintage, value FROM observation ORDER BY period"));
    }

    [Fact]
    public async Task WriteAsync_ConflictingRepeats_AreAllRejectedInFileOrder_AndOtherRowsStored()
    {
        await using var db = await Database.CreateAsync();

        var counts = await db.WriteAsync("src", 1, "sha-1", FirstRun,
            Obs("2021", 310m), Reject("f.csv row 3", RejectKind.Missing), Obs("2022", 700m, location: "f.csv row 4"), Obs("2022", 655m, location: "f.csv row 5"));

        Assert.Equal(new WriteSummary(4, 1, 0, 2, 1), counts);
        var rejects = await db.QueryAsync<(string Kind, string Location, string Reason)>("SELECT kind, location, reason FROM reject ORDER BY id");
        const string reason = "conflicting duplicate for INDUSTRIAL_ROBOTS_DEPLOYED 320506 2022: 700 at f.csv row 4 vs 655 at f.csv row 5";
        Assert.Equal([("missing", "f.csv row 3", "why"), ("error", "f.csv row 4", reason), ("error", "f.csv row 5", reason)], rejects);
        Assert.Equal(["2021"], await db.QueryAsync<string>("SELECT period FROM observation"));
    }

    [Fact]
    public async Task WriteAsync_FirstKeyNewButALaterKeyStored_StoresOnlyWhatIsNew()
    {
        await using var db = await Database.CreateAsync();
        await db.WriteAsync("src", 1, "sha-1", FirstRun, Obs("2022", 655m));

        var counts = await db.WriteAsync("src", 2, "sha-2", SecondRun, Obs("2023", 800m), Obs("2022", 655m), Obs("2021", 310m));

        Assert.Equal(new WriteSummary(3, 2, 1, 0, 0), counts);
        Assert.Equal(
            [("2021", 1, 310m, 2L), ("2022", 1, 655m, 1L), ("2023", 1, 800m, 2L)],
            await db.QueryAsync<(string, int, decimal, long)>("SELECT period, vintage, value, run_id FROM observation ORDER BY period, vintage"));
    }

    [Fact]
    public async Task WriteAsync_ConflictingRepeatOfAStoredKey_IsRejectedAndTheStoredVintageKept()
    {
        await using var db = await Database.CreateAsync();
        await db.WriteAsync("src", 1, "sha-1", FirstRun, Obs("2022", 655m));

        var counts = await db.WriteAsync("src", 2, "sha-2", SecondRun, Obs("2022", 655m, location: "f.csv row 2"), Obs("2022", 700m, location: "f.csv row 3"));

        Assert.Equal(new WriteSummary(2, 0, 0, 2, 0), counts);
        Assert.Equal(["f.csv row 2", "f.csv row 3"], await db.QueryAsync<string>("SELECT location FROM reject ORDER BY id"));
        Assert.Equal([(1, 655m, 1L)], await db.QueryAsync<(int, decimal, long)>("SELECT vintage, value, run_id FROM observation_latest"));
        Assert.Equal(1, await db.ScalarAsync<long>("SELECT count(*) FROM observation"));
    }

    [Fact]
    public async Task WriteAsync_OnlyRejects_StoresNothingAndCountsEachKind()
    {
        await using var db = await Database.CreateAsync();

        var counts = await db.WriteAsync("src", 1, "sha-1", FirstRun,
            Reject("f.csv row 2", RejectKind.Error), Reject("f.csv row 3", RejectKind.BelowUnit), Reject("f.csv row 4", RejectKind.Missing));

        Assert.Equal(new WriteSummary(3, 0, 0, 1, 2), counts);
        Assert.Equal(["error", "below-unit", "missing"], await db.QueryAsync<string>("SELECT kind FROM reject ORDER BY id"));
        Assert.Equal(0, await db.ScalarAsync<long>("SELECT count(*) FROM observation"));
    }

    [Fact]
    public async Task WriteAsync_FirstLoadWithMoreRejectsThanItHolds_GivesWayToTheStageAndStoresTheSame()
    {
        await using var db = await Database.CreateAsync();
        var rows = Enumerable.Range(1, ObservationWriter.FirstLoadHeldRejects + 1).Select(i => Reject($"f.csv row {i}", RejectKind.Missing)).Append(Obs("2022", 5m)).ToArray();

        var counts = await db.WriteAsync("src", 1, "sha-1", FirstRun, rows);

        Assert.Equal(new WriteSummary(rows.Length, 1, 0, 0, ObservationWriter.FirstLoadHeldRejects + 1), counts);
        Assert.Equal(["f.csv row 1", "f.csv row 2"], (await db.QueryAsync<string>("SELECT location FROM reject ORDER BY id")).Take(2));
        Assert.Equal([new Row("INDUSTRIAL_ROBOTS_DEPLOYED", "2022", 1, 5m, "normal", 1, FirstRun.UtcDateTime, "sha-1", "f.csv row 2022")], await db.RowsAsync("observation_latest"));
    }

    [Fact]
    public async Task WriteAsync_NamesTheIndicatorsStatedInThePlanArea_OnTheFirstLoadAndAfter()
    {
        await using var db = await Database.CreateAsync();

        var first = await db.WriteAsync("src", 1, "sha-1", FirstRun, Obs("2022", 5m), Reject("f.csv row 9", RejectKind.Error));
        var revision = await db.WriteAsync("src", 2, "sha-2", SecondRun, Obs("2022", 6m));
        var unchanged = await db.WriteAsync("src", 3, "sha-3", SecondRun.AddDays(1), Obs("2022", 6m));

        Assert.Equal(["INDUSTRIAL_ROBOTS_DEPLOYED"], first.IndicatorsInPlanArea);
        Assert.Equal(["INDUSTRIAL_ROBOTS_DEPLOYED"], revision.IndicatorsInPlanArea);
        Assert.Empty(unchanged.IndicatorsInPlanArea);
    }

    private static (Observation?, Rejection?) Obs(string year, decimal value, ObservationStatus status = ObservationStatus.Normal, string? location = null)
    {
        Assert.True(PeriodParser.TryParse(year, out var period));
        return (new Observation("INDUSTRIAL_ROBOTS_DEPLOYED", "320506", period, value, status, location ?? $"f.csv row {year}"), null);
    }

    private static (Observation?, Rejection?) Reject(string location, RejectKind kind) => (null, new Rejection(location, "value", "x", "why", kind));

    private sealed class Database : IAsyncDisposable
    {
        private readonly NpgsqlDataSource dataSource;

        private Database(NpgsqlDataSource dataSource) => this.dataSource = dataSource;

        public static async Task<Database> CreateAsync()
        {
            var dataSource = NpgsqlDataSource.Create(await TestServer.CreateDatabaseAsync("writer"));
            await SchemaMigrator.MigrateAsync(dataSource, NullLogger.Instance, CancellationToken.None);
            return new Database(dataSource);
        }

        public async Task<WriteSummary> WriteAsync(string sourceId, long runId, string sha, DateTimeOffset at, params (Observation?, Rejection?)[] rows)
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            var counts = await ObservationWriter.WriteAsync(connection, transaction, sourceId, runId, sha, at, rows, CancellationToken.None);
            await transaction.CommitAsync();
            return counts;
        }

        public async Task<List<Row>> RowsAsync(string table)
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            return (await connection.QueryAsync<Row>(
                $"""
                SELECT indicator_code AS IndicatorCode, period AS Period, vintage AS Vintage, value AS Value, status AS Status, run_id AS RunId,
                       recorded_at AS RecordedAt, payload_sha256 AS PayloadSha256, location AS Location
                FROM {table} ORDER BY period, vintage
                """)).ToList();
        }

        public async Task<List<T>> QueryAsync<T>(string sql)
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            return (await connection.QueryAsync<T>(sql)).ToList();
        }

        public async Task<T> ScalarAsync<T>(string sql)
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            return (await connection.ExecuteScalarAsync<T>(sql))!;
        }

        public ValueTask DisposeAsync() => dataSource.DisposeAsync();
    }
}
