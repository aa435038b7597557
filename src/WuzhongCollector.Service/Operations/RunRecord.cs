using System.Globalization;
using System.Text;
using Dapper;
using Npgsql;

namespace WuzhongCollector.Service.Operations;

/// <summary>A finished run as the run table holds it: what ops see in the dashboard and the metrics count.</summary>
public sealed record RunRecord(
    long Id, string SourceId, string Outcome, string? Error, int Calls, string[] Retries, string? Origin,
    int RowsRead, int Stored, int Unchanged, int Rejected, int Missing)
{
    public bool Failed => Outcome.StartsWith("failed-", StringComparison.Ordinal);

    /// <summary>The latest run a Hangfire job made (a retry is a new run with the same job id).</summary>
    public static RunRecord? LatestOfJob(NpgsqlDataSource dataSource, string jobId)
    {
        using var connection = dataSource.OpenConnection();
        return connection.QuerySingleOrDefault<RunRecord>("""
            SELECT id, source_id AS SourceId, outcome, error, calls, retries, origin, rows_read AS RowsRead, stored, unchanged, rejected, missing
            FROM run WHERE job_id = @jobId ORDER BY id DESC LIMIT 1
            """, new { jobId });
    }

    /// <summary>
    /// One line for the dashboard: the file or URL (never its query string, where keys go), calls, counts
    /// and each retry with its reason.
    /// </summary>
    public string Describe()
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"run {Id} {Outcome}");
        if (Origin is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"; {Origin}");
        }

        text.Append(CultureInfo.InvariantCulture, $"; {Calls} call(s); {RowsRead} rows read: {Stored} stored, {Unchanged} unchanged, {Rejected} rejected, {Missing} missing");
        text.Append(Retries.Length == 0 ? "; no retries" : $"; retries: {string.Join(" | ", Retries)}");
        if (Error is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"; error: {Error}");
        }

        return text.ToString();
    }
}
