namespace WuzhongCollector.Service.Tests.Infrastructure;

/// <summary>Direct SQL against a test database that no in-process host owns (child-process tests).</summary>
public sealed record TestDatabase(string ConnectionString)
{
    // Unpooled, so a test that restarts the server never gets a connection the restart broke.
    private string Unpooled => ConnectionString + ";Pooling=false";

    public static async Task<TestDatabase> CreateAsync(string prefix) => new(await TestServer.CreateDatabaseAsync(prefix));

    public async Task<T> ScalarAsync<T>(string sql, object? args = null)
    {
        await using var connection = new NpgsqlConnection(Unpooled);
        return (await connection.ExecuteScalarAsync<T>(sql, args))!;
    }

    public async Task<List<T>> QueryAsync<T>(string sql, object? args = null)
    {
        await using var connection = new NpgsqlConnection(Unpooled);
        return (await connection.QueryAsync<T>(sql, args)).ToList();
    }

    public async Task<T> QuerySingleAsync<T>(string sql, object? args = null)
    {
        await using var connection = new NpgsqlConnection(Unpooled);
        return await connection.QuerySingleAsync<T>(sql, args);
    }

    public async Task ExecuteAsync(string sql, object? args = null)
    {
        await using var connection = new NpgsqlConnection(Unpooled);
        await connection.ExecuteAsync(sql, args);
    }

    /// <summary>The last runs and Hangfire's jobs, for a failure message that says where things stood.</summary>
    public async Task<string> DescribeAsync()
    {
        var runs = await QueryAsync<string>("""
            SELECT concat_ws(' ', id, source_id, outcome, 'job', job_id, 'attempt', attempt, to_char(started_at, 'HH24:MI:SS.MS'), error)
            FROM (SELECT * FROM run ORDER BY id DESC LIMIT 30) r ORDER BY id
            """);
        var jobs = await QueryAsync<string>(
            "SELECT concat_ws(' ', statename, count(*)) FROM hangfire.job GROUP BY statename ORDER BY statename");
        var queued = await ScalarAsync<long>("SELECT count(*) FROM hangfire.jobqueue");
        // A reject can leave a source behind for good (its payload again is 'unchanged'), long after the last 30 runs.
        var rejects = await QueryAsync<string>("""
            SELECT concat_ws(' ', 'run', run_id, source_id, location, raw_value, reason)
            FROM (SELECT * FROM reject ORDER BY id DESC LIMIT 10) r ORDER BY id
            """);
        return $"last runs:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", runs)}{Environment.NewLine}"
            + $"jobs by state: {string.Join(", ", jobs)}; {queued} in the queue{Environment.NewLine}"
            + $"last rejects:{Environment.NewLine}  {(rejects.Count == 0 ? "none" : string.Join(Environment.NewLine + "  ", rejects))}";
    }

    /// <summary>Rows the COPY of an import has streamed so far in this database; 0 when no COPY runs.</summary>
    public async Task<long> CopyProgressAsync()
    {
        try
        {
            return await ScalarAsync<long>("SELECT COALESCE(max(tuples_processed), 0) FROM pg_stat_progress_copy WHERE datname = current_database()");
        }
        catch (NpgsqlException)
        {
            return 0;
        }
    }

    /// <summary>Waits until an import's COPY has streamed more than <paramref name="rows"/> rows (so it is mid-import).</summary>
    public async Task WaitUntilMidImportAsync(long rows, int seconds = 60)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (await CopyProgressAsync() <= rows)
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(seconds))
            {
                throw new TimeoutException($"no import streamed {rows} rows within {seconds} s");
            }

            await Task.Delay(20);
        }
    }
}
