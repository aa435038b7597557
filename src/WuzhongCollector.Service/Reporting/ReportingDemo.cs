using Dapper;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Npgsql;
using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Reporting;

namespace WuzhongCollector.Service.Reporting;

/// <summary>
/// On a demo's first start: two sample submissions through the real path (form → check → writer), so the plan page
/// shows a department that delivered on time (区科技局), one that delivered late (区市场监管局) and, for the rest,
/// what missing looks like. Every figure is a SAMPLE figure: user, origin and the submission's sample flag say so.
/// </summary>
public sealed class ReportingDemo(
    ReportingPlan plan,
    ReportReader reader,
    ReportStore store,
    NpgsqlDataSource dataSource,
    IOptions<ReportingOptions> options,
    IHostEnvironment environment,
    ILogger<ReportingDemo> logger) : IHostedService
{
    public const string SampleUser = "示例数据 sample";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!(options.Value.DemoSubmissions ?? environment.IsDevelopment()) || plan.Departments.Count == 0)
        {
            return;
        }

        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT EXISTS (SELECT FROM report_submission WHERE sample)", cancellationToken: cancellationToken)))
            {
                return;
            }
        }

        await SubmitAsync("区科技局", share: 1.04m, status: "快报", daysAfterDue: -6, cancellationToken);
        await SubmitAsync("区市场监管局", share: 0.9m, status: "公报", daysAfterDue: 9, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task SubmitAsync(string department, decimal share, string status, int daysAfterDue, CancellationToken cancellationToken)
    {
        // The department's last period: the one a newcomer looks at on a finished plan.
        if (plan.Obligations.LastOrDefault(o => o.Department == department) is not { } obligation)
        {
            return;
        }

        var fields = new Dictionary<string, StringValues> { ["period"] = obligation.Period.Id };
        foreach (var row in obligation.Rows)
        {
            fields["value:" + row.Indicator.Code] = SampleValue(row.Indicator, share);
            fields["status:" + row.Indicator.Code] = status;
            fields["remark:" + row.Indicator.Code] = "示例数据，非官方数据";
        }

        var checkedReport = await reader.CheckAsync(obligation, ReportReader.FromForm(obligation, new FormCollection(fields)), cancellationToken);
        var submittedAt = new DateTimeOffset(obligation.Due.ToDateTime(new TimeOnly(10, 0)), TimeSpan.FromHours(8)).AddDays(daysAfterDue);
        var stored = await store.StoreAsync(checkedReport, SampleUser, submittedAt, sample: true, cancellationToken);
        logger.LogInformation("Demo: sample submission of {Department} {Period}: run {RunId}", department, obligation.Period.Id, stored?.RunId);
    }

    /// <summary>A plausible figure near the indicator's first target; whole numbers for counts.</summary>
    private static string SampleValue(Indicator indicator, decimal share)
    {
        var target = indicator.Targets.Count > 0 ? indicator.Targets[0].Value : 100m;
        var value = target * share;
        return (indicator.Unit is "%" or "ratio" or "亿元" ? Math.Round(value, 1) : Math.Round(value)).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
