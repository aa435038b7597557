using System.ComponentModel;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.Options;
using Npgsql;
using WuzhongCollector.Core.Reporting;
using WuzhongCollector.Service.Collection;

namespace WuzhongCollector.Service.Reporting;

/// <summary>
/// Once a day, posts the obligations that fell overdue recently to a WeCom or DingTalk group robot. Both take the
/// same text message ({"msgtype":"text","text":{"content":…}}) and answer {"errcode":0}. A day's reminder is sent
/// once, whichever instance or retry runs it. The URL is a secret: it is never logged, and redirects are not followed.
/// Do not rename this type or <see cref="RunAsync"/>: Hangfire persists both names in stored jobs.
/// </summary>
public sealed class ReportingReminderJob(
    CompletenessReader reader,
    NpgsqlDataSource dataSource,
    IHttpClientFactory httpClients,
    IOptions<ReportingOptions> options,
    TimeProvider timeProvider,
    ILogger<ReportingReminderJob> logger)
{
    public const string RecurringJobId = RecurringJobSync.SystemJobPrefix + "reporting-reminder";
    public const string HttpClientName = "reporting-webhook";

    // Retried by the service's own retry filter (a few times, with its delays), like every job.
    [DisplayName("Reporting reminder")]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(settings.WebhookUrl))
        {
            return;
        }

        var report = await reader.ReadAsync(null, cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT EXISTS (SELECT FROM reporting_reminder WHERE day = @Today)", new { report.Today }, cancellationToken: cancellationToken)))
        {
            return;
        }

        var overdue = report.Obligations
            .Where(o => o.Status.Status == DeliveryStatus.Missing && o.Status.Obligation.Due >= report.Today.AddDays(-settings.ReminderLookbackDays))
            .ToList();
        if (overdue.Count > 0)
        {
            await PostAsync(Message(report.Today, overdue, settings.PublicUrl), settings, cancellationToken);
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO reporting_reminder (day, sent_at, overdue) VALUES (@Today, @now, @count) ON CONFLICT (day) DO NOTHING",
            new { report.Today, now = timeProvider.GetUtcNow(), count = overdue.Count }, cancellationToken: cancellationToken));
        logger.LogInformation("Reporting reminder for {Day}: {Overdue} overdue obligation(s){Sent}", report.Today, overdue.Count, overdue.Count > 0 ? " posted to the webhook" : ", nothing to post");
    }

    public static string Message(DateOnly today, IReadOnlyList<ObligationReport> overdue, string? publicUrl)
    {
        var text = new StringBuilder($"【吴中区数字经济指标报送提醒】截至 {today:yyyy-MM-dd}，以下报送已逾期：");
        foreach (var o in overdue.OrderBy(o => o.Status.Obligation.Due).ThenBy(o => o.Status.Obligation.Department, StringComparer.Ordinal))
        {
            var s = o.Status;
            var names = string.Join("、", s.Missing.Take(5).Select(i => i.NameZh)) + (s.Missing.Count > 5 ? $" 等 {s.Missing.Count} 项" : string.Empty);
            text.Append($"\n· {s.Obligation.Department} {s.Obligation.Period.Id}（截止 {s.Obligation.Due:yyyy-MM-dd}）尚缺：{names}");
        }

        if (!string.IsNullOrWhiteSpace(publicUrl))
        {
            text.Append($"\n请登录 {publicUrl.TrimEnd('/')}/report 填报。");
        }

        return text.ToString();
    }

    private async Task PostAsync(string content, ReportingOptions settings, CancellationToken cancellationToken)
    {
        var url = settings.WebhookUrl!;
        if (!string.IsNullOrWhiteSpace(settings.WebhookSigningSecret))
        {
            // DingTalk 加签: timestamp in ms and Base64(HMAC-SHA256(secret, "timestamp\nsecret")) as query parameters.
            var timestamp = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
            var sign = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(settings.WebhookSigningSecret), Encoding.UTF8.GetBytes($"{timestamp}\n{settings.WebhookSigningSecret}")));
            url += (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + $"timestamp={timestamp}&sign={Uri.EscapeDataString(sign)}";
        }

        var client = httpClients.CreateClient(HttpClientName);
        try
        {
            using var response = await client.PostAsJsonAsync(url, new { msgtype = "text", text = new { content } }, cancellationToken);
            var answer = await response.Content.ReadFromJsonAsync<RobotAnswer>(cancellationToken);
            if (!response.IsSuccessStatusCode || answer?.Errcode != 0)
            {
                throw new InvalidOperationException($"the reporting webhook answered HTTP {(int)response.StatusCode}, errcode {answer?.Errcode}: {answer?.Errmsg}");
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            // The exception's text may carry the URL, and with it the robot's key: say what failed without it.
            throw new InvalidOperationException($"posting to the reporting webhook failed: {ex.GetType().Name}");
        }
    }

    private sealed record RobotAnswer(int Errcode, string? Errmsg);
}

/// <summary>Keeps the reminder's recurring job in step with its settings: registered with a webhook, removed without one.</summary>
public sealed class ReportingReminderSchedule(IRecurringJobManager recurringJobs, IOptions<ReportingOptions> options, IOptions<CollectorOptions> collector, ILogger<ReportingReminderSchedule> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!collector.Value.RunScheduler)
        {
            return Task.CompletedTask;
        }

        try
        {
            if (string.IsNullOrWhiteSpace(options.Value.WebhookUrl))
            {
                recurringJobs.RemoveIfExists(ReportingReminderJob.RecurringJobId);
            }
            else
            {
                Core.Sources.TimeZones.TryResolve(Core.Sources.SourceFileLoader.DefaultTimeZone, out var zone);
                recurringJobs.AddOrUpdate<ReportingReminderJob>(ReportingReminderJob.RecurringJobId, job => job.RunAsync(CancellationToken.None), options.Value.ReminderCron,
                    new RecurringJobOptions { TimeZone = zone, MisfireHandling = MisfireHandlingMode.Relaxed });
            }
        }
        catch (DistributedLockTimeoutException ex)
        {
            logger.LogWarning("The reporting reminder keeps its previous schedule this time: {Error}", ex.Message);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
