namespace WuzhongCollector.Service.Tests.Infrastructure;

/// <summary>Small source files and exports the admin and ops tests share.</summary>
public static class Samples
{
    public const string RobotsSource = """
        # yaml-language-server: $schema=../source.schema.json
        name: 区工信局 机器人导出
        kind: csv
        schedule: { cron: "0 2 * * *" }
        file: { path: exports/robots.csv }
        mapping:
          indicator: { const: INDUSTRIAL_ROBOTS_DEPLOYED }
          period: 期别
          value: 数值
        """;

    public const string RobotsCsv = "期别,数值\n2021年,310\n2022年,655\n2023年,六百\n";

    /// <summary>An HTTP source against a loopback server; {url} is replaced by the caller.</summary>
    public const string HttpSource = """
        name: 开放接口
        kind: http-json
        schedule: { cron: "0 * * * *" }
        http:
          url: "{url}"
          records: data
          resilience: { attemptTimeoutSeconds: 5, totalTimeoutSeconds: 20, maxRetries: {retries}, baseDelaySeconds: 0, breakSeconds: 1 }
        mapping:
          indicator: { const: BASE_STATIONS_5G }
          period: period
          value: value
        """;

    public const string HttpRecords = """{"data":[{"period":"2021年","value":3120},{"period":"2022年","value":4215},{"period":"2023年","value":"三千"}]}""";

    public static string Http(string url, int retries = 0) =>
        HttpSource.Replace("{url}", url, StringComparison.Ordinal).Replace("{retries}", retries.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <summary>Settings that make hot reload quick in tests.</summary>
    public static Dictionary<string, string?> Fast(params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?> { ["Operations:ReloadDebounce"] = "00:00:00.100" };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }
}
