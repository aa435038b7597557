namespace WuzhongCollector.Service.Tests.Plan;

public sealed class AnalystViewsTests : IDisposable
{
    private readonly TestConfig config = new();

    public void Dispose() => config.Dispose();

    /// <summary>Logs in as the analysts' role, with its own password, as psql would.</summary>
    private static async Task<NpgsqlConnection> AnalystAsync(CollectorHost host) => new(await TestServer.AnalystConnectionStringAsync(host.ConnectionString));

    [Fact]
    public async Task AnalystRole_ReadsEveryView()
    {
        config.WriteCsvSource("bureau", PlanFixture.Figures);
        await using var host = await CollectorHost.StartAsync(config, timeProvider: PlanFixture.Time());
        await host.CollectAsync("bureau");
        await using var analyst = await AnalystAsync(host);
        await analyst.OpenAsync();

        var counts = new Dictionary<string, long>();
        foreach (var view in new[] { "indicators", "targets", "current_observations", "observation_history", "progress" })
        {
            counts[view] = await analyst.ExecuteScalarAsync<long>($"SELECT count(*) FROM analyst.{view}");
        }

        Assert.Equal(new Dictionary<string, long>
        {
            ["indicators"] = RepoCatalogue.Indicators, ["targets"] = RepoCatalogue.Targets, ["current_observations"] = 12, ["observation_history"] = 12, ["progress"] = RepoCatalogue.Targets,
        }, counts);
        Assert.Equal(("DC_NEW_PUE", "on-track", 0.8m, 1.26m), await analyst.QuerySingleAsync<(string, string, decimal, decimal)>(
            "SELECT indicator_code, status, progress, projected_value FROM analyst.progress WHERE indicator_code = 'DC_NEW_PUE'"));
        Assert.Equal(("2023-01..2023-09", 905m, "台", true), await analyst.QuerySingleAsync<(string, decimal, string, bool)>(
            "SELECT period, value, unit, is_current FROM analyst.observation_history WHERE indicator_code = 'INDUSTRIAL_ROBOTS_DEPLOYED' AND period_type = 'ytd'"));
    }

    // 25006: the role's sessions are read-only transactions; 42501: it has no privilege; 55000: the view is not updatable.
    [Theory]
    [InlineData("UPDATE analyst.observation_history SET value = 0", "55000")]
    [InlineData("DELETE FROM observation_latest", "25006")]
    [InlineData("INSERT INTO indicator_target (indicator_code, year, comparator, value) VALUES ('DC_NEW_PUE', 2030, '<=', 1)", "25006")]
    [InlineData("SELECT count(*) FROM hangfire.job", "42501")]
    [InlineData("SELECT count(*) FROM observation", "42501")]
    [InlineData("CREATE TABLE analyst.mine (x int)", "25006")]
    public async Task AnalystRole_CannotWrite(string sql, string sqlState)
    {
        config.WriteCsvSource("bureau", PlanFixture.Figures);
        await using var host = await CollectorHost.StartAsync(config, timeProvider: PlanFixture.Time());
        await host.CollectAsync("bureau");
        await using var analyst = await AnalystAsync(host);
        await analyst.OpenAsync();

        var error = await Assert.ThrowsAsync<PostgresException>(() => analyst.ExecuteAsync(sql));

        Assert.Equal(sqlState, error.SqlState);
        Assert.Equal(12, await host.ScalarAsync<long>("SELECT count(*) FROM observation"));
        Assert.Equal(RepoCatalogue.Targets, await host.ScalarAsync<long>("SELECT count(*) FROM indicator_target"));
    }

    [Theory]
    [InlineData("DELETE FROM progress_snapshot")]
    [InlineData("INSERT INTO observation_latest SELECT * FROM observation_latest")]
    [InlineData("CREATE TABLE analyst.mine (x int)")]
    public async Task AnalystRole_TurningReadOnlyOff_StillLacksThePrivilege(string sql)
    {
        await using var host = await CollectorHost.StartAsync(config);
        await using var analyst = await AnalystAsync(host);
        await analyst.OpenAsync();
        await analyst.ExecuteAsync("SET default_transaction_read_only = off");

        var error = await Assert.ThrowsAsync<PostgresException>(() => analyst.ExecuteAsync(sql));

        Assert.Equal("42501", error.SqlState);
        Assert.Equal(RepoCatalogue.Targets, await host.ScalarAsync<long>("SELECT count(*) FROM progress_snapshot"));
    }
}
