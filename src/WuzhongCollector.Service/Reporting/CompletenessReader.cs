using Dapper;
using Npgsql;
using WuzhongCollector.Core.Reporting;
using WuzhongCollector.Service.Plan;

namespace WuzhongCollector.Service.Reporting;

/// <summary>An obligation's state with its latest submission, as the API, the pages and the metrics show it.</summary>
public sealed record ObligationReport(ObligationStatus Status, DateTimeOffset? LastSubmittedAt, string? LastSubmittedBy, bool Sample);

public sealed record CompletenessReport(DateOnly Today, IReadOnlyList<ObligationReport> Obligations);

/// <summary>Who has delivered what: every obligation of the reporting calendar judged against the stored submissions.</summary>
public sealed class CompletenessReader(NpgsqlDataSource dataSource, ReportingPlan plan, TimeProvider timeProvider)
{
    private sealed class Row
    {
        public string Department { get; init; } = "";

        public string Period { get; init; } = "";

        public DateTime SubmittedAt { get; init; }

        public string SubmittedBy { get; init; } = "";

        public string[] Delivered { get; init; } = [];

        public bool Sample { get; init; }
    }

    public async Task<CompletenessReport> ReadAsync(DateTimeOffset? asOf, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition("""
            SELECT department, period, submitted_at, submitted_by, delivered, sample FROM report_submission
            WHERE @asOf::timestamptz IS NULL OR submitted_at <= @asOf
            ORDER BY submitted_at
            """, new { asOf }, cancellationToken: cancellationToken))).ToList();
        var today = FreshnessReport.DateInChina(asOf ?? timeProvider.GetUtcNow());
        var byKey = rows.ToLookup(r => (r.Department, r.Period));
        var obligations = plan.Obligations.Select(o =>
        {
            var own = byKey[(o.Department, o.Period.Id)].ToList();
            var submissions = own.Select(r => new Submission(r.Department, r.Period, FreshnessReport.DateInChina(Utc(r.SubmittedAt)), r.Delivered));
            var last = own.LastOrDefault();
            return new ObligationReport(Completeness.Judge(o, submissions, today), last is null ? null : Utc(last.SubmittedAt), last?.SubmittedBy, own.Count > 0 && own.All(r => r.Sample));
        }).ToList();
        return new CompletenessReport(today, obligations);
    }

    private static DateTimeOffset Utc(DateTime time) => new(DateTime.SpecifyKind(time, DateTimeKind.Utc));
}
