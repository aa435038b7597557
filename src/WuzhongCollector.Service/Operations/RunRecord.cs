using System.Globalization;
using System.Text;
using Dapper;
using Npgsql;

namespace WuzhongCollector.Service.Operations;

/// <summary>A finished run as the run table holds it: what ops see in the dashboard and the metrics count.</summary>
public sealed class RunRecord
{
    public long Id { get; init; }

    public string SourceId { get; init; } = "";

    public string Outcome { get; init; } = "";

    public string? Error { get; init; }

    public int Calls { get; init; }

    public string[] Retries { get; init; } = [];

    public string[] Steps { get; init; } = [];

    public string? Origin { get; init; }

    public int RowsRead { get; init; }

    public int Stored { get; init; }

    public int Unchanged { get; init; }

    public int Rejected { get; init; }

    public int Missing { get; init; }

    /// <summary>Records the mapping's rules left out on purpose.</summary>
    public int Skipped { get; init; }

    public const string Select =
        "SELECT id, source_id AS SourceId, outcome, error, calls, retries, steps, origin, rows_read AS RowsRead, stored, unchanged, rejected, missing, skipped FROM run";

    public bool Failed => Outcome.StartsWith("failed-", StringComparison.Ordinal);

    /// <summary>The latest run a Hangfire job made (a retry is a new run with the same job id).</summary>
    public static RunRecord? LatestOfJob(NpgsqlDataSource dataSource, string jobId)
    {
        using var connection = dataSource.OpenConnection();
        return connection.QuerySingleOrDefault<RunRecord>(Select + " WHERE job_id = @jobId ORDER BY id DESC LIMIT 1", new { jobId });
    }

    /// <summary>
    /// One line for the dashboard: the run's steps (the file or the URL without its query string, where keys
    /// go; bytes and calls; rows read, stored, unchanged, rejected, missing, skipped), each retry with its reason, the error.
    /// </summary>
    public string Describe()
    {
        var steps = Steps.Length > 0 ? string.Join("; ", Steps) : Origin ?? "no steps recorded";
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"run {Id} {Outcome}: {steps}");
        text.Append(Retries.Length == 0 ? " | no retries" : $" | retries: {string.Join("; ", Retries)}");
        if (Error is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" | error: {Error}");
        }

        return text.ToString();
    }
}
