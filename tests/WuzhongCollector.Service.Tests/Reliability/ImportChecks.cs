namespace WuzhongCollector.Service.Tests.Reliability;

/// <summary>The large import the process-fault tests interrupt, and the checks that nothing of it was lost or doubled.</summary>
public static class ImportChecks
{
    public const string SourceId = "big-export";

    /// <summary>10 indicators × 1,700 areas × 12 months = 204,000 rows, about 9 MB: a few seconds of import.</summary>
    public const int Areas = 1_700;

    public const string RunsSql = "SELECT id, outcome, job_id AS jobid, attempt, started_at AS startedat, error, rows_read AS rowsread, stored FROM run ORDER BY id";

    public static async Task WaitUntilMidImportAsync(TestDatabase database, ServiceProcess service)
    {
        try
        {
            await database.WaitUntilMidImportAsync(rows: 20_000, seconds: 90);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}; service output:{Environment.NewLine}{service.Output}", ex);
        }
    }

    public static async Task<List<RunRow>> WaitForRunsAsync(TestDatabase database, ServiceProcess service, Func<List<RunRow>, bool> done, int seconds)
    {
        try
        {
            return await Eventually.Async(async () =>
            {
                var runs = await database.QueryAsync<RunRow>(RunsSql);
                return done(runs) ? runs : null;
            }, seconds);
        }
        catch (TimeoutException ex)
        {
            var runs = await database.QueryAsync<RunRow>(RunsSql);
            throw new TimeoutException($"{ex.Message}; runs: {string.Join("; ", runs)}; service output:{Environment.NewLine}{service.Output}", ex);
        }
    }

    public static async Task<string> JobStateAsync(TestDatabase database, string jobId) =>
        await database.ScalarAsync<string>("SELECT statename FROM hangfire.job WHERE id = @id::bigint", new { id = jobId });

    /// <summary>Every row of the file exactly once, with its value, and nothing else.</summary>
    public static async Task AssertEveryRowStoredOnceAsync(TestDatabase database, LargeCsv file)
    {
        var stored = await database.QuerySingleAsync<(long Rows, long Keys, int MaxVintage, decimal Sum, long Latest)>("""
            SELECT count(*), count(DISTINCT (indicator_code, area_code, period)), max(vintage), sum(value),
                   (SELECT count(*) FROM observation_latest)
            FROM observation
            """);
        Assert.Equal((file.Rows, file.Rows, 1, file.Sum, file.Rows), (stored.Rows, stored.Keys, stored.MaxVintage, stored.Sum, stored.Latest));
    }

    public sealed record RunRow(long Id, string Outcome, string? JobId, int Attempt, DateTime StartedAt, string? Error, int RowsRead, int Stored);
}
