using WuzhongCollector.Service.Sources;

namespace WuzhongCollector.Service.Tests.Sources;

public sealed class StartupValidationTests : IDisposable
{
    private readonly TestConfig config = new();

    public void Dispose() => config.Dispose();

    [Fact]
    public async Task Start_BadSourceFiles_StopsStartUp_ListingEveryErrorWithFileAndField()
    {
        config.WriteSource("unknown-indicator", """
            kind: csv
            schedule: { cron: "0 2 * * *" }
            file: { path: a.csv }
            mapping: { indicator: { const: NO_SUCH_CODE }, period: p, value: v }
            """);
        config.WriteSource("bad-cron", """
            kind: csv
            schedule: { cron: "61 * * * *" }
            file: { path: a.csv }
            mapping: { indicator: { const: DC_NEW_PUE }, period: p, value: v }
            """);
        config.WriteSource("missing-field", """
            kind: http-json
            schedule: { cron: "0 2 * * *" }
            http: { records: data }
            mapping: { indicator: { const: DC_NEW_PUE }, period: p, value: v }
            """);

        var failure = await Assert.ThrowsAsync<ConfigurationException>(() => CollectorHost.StartAsync(config, connectionString: "Host=127.0.0.1;Port=1"));

        Assert.Equal(
            [
                "bad-cron.yaml:2: schedule.cron: '61 * * * *' is not a valid cron expression (5 fields, or 6 with seconds)",
                "missing-field.yaml:3: http.url: is required",
                "unknown-indicator.yaml:4: mapping.indicator: unknown indicator code 'NO_SUCH_CODE' (see config/catalogue.yaml)",
            ],
            failure.Errors.Select(e => e.ToString()));
        Assert.Contains("bad-cron.yaml:2", failure.Message, StringComparison.Ordinal);
    }
}
