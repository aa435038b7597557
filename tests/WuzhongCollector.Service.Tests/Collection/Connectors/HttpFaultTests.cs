using static WuzhongCollector.Service.Tests.Infrastructure.Faults;

namespace WuzhongCollector.Service.Tests.Collection.Connectors;

/// <summary>
/// Each fault of the fault-injecting server, after a first good run has stored two figures: the run's
/// outcome and failure class, the calls it made, and that nothing was written and nothing lost.
/// </summary>
public sealed class HttpFaultTests
{
    private const string SeedFigures = "BASE_STATIONS_5G 320506 2021 v1 = 3120; BASE_STATIONS_5G 320506 2022 v1 = 4215";
    private const string RevisedFigures = SeedFigures + "; BASE_STATIONS_5G 320506 2022 v2 = 4230";

    private static async Task<(HttpSourceHarness Harness, Stored Before)> SeededAsync(params Step[] faults)
    {
        var harness = await HttpSourceHarness.StartAsync(Script([Ok(HttpSourceHarness.Seed), .. faults]));
        Assert.Equal("succeeded", (await harness.CollectAsync()).Outcome);
        var before = await harness.StoredAsync();
        Assert.Equal(SeedFigures, before.Observations);
        return (harness, before);
    }

    [Fact]
    public async Task Collect_503Then500ThenOk_RetriesWithinTheRun_HonouringRetryAfter_AndStoresTheRevision()
    {
        var (harness, _) = await SeededAsync(Status(503, retryAfter: "1"), Status(500), Ok(HttpSourceHarness.Revised));
        await using var _h = harness;

        var run = harness.CollectAsync();
        await harness.Time.AdvanceWhenStartedAsync(TimeSpan.FromSeconds(1), 1, () => harness.Server.Calls >= 2);
        var summary = await run;

        Assert.Equal(("succeeded", 1, 1), (summary.Outcome, summary.Counts!.Stored, summary.Counts.Unchanged));
        var row = await harness.LastRunAsync();
        Assert.Equal((3, (string?)null), (row.Calls, row.FailureClass));
        Assert.Equal(["attempt 1 failed (HTTP 503); retrying in 1 s", "attempt 2 failed (HTTP 500); retrying in 0 s"], row.Retries);
        Assert.Equal(4, harness.Server.Calls);
        Assert.Equal(RevisedFigures, (await harness.StoredAsync()).Observations);
    }

    [Fact]
    public async Task Collect_429WithSmallRetryAfter_WaitsExactlyThatLong_ThenSucceeds()
    {
        var (harness, _) = await SeededAsync(Status(429, retryAfter: "2"), Ok(HttpSourceHarness.Revised));
        await using var _h = harness;

        var run = harness.CollectAsync();
        await Poll.UntilAsync(() => harness.Time.TimersStarted(TimeSpan.FromSeconds(2)) == 1 && harness.Server.Calls == 2, "the Retry-After wait");
        harness.Time.Advance(TimeSpan.FromSeconds(1.9));
        await Task.Delay(200);
        var callsBeforeTheWaitEnded = harness.Server.Calls;
        harness.Time.Advance(TimeSpan.FromSeconds(0.1));
        var summary = await run;

        Assert.Equal(2, callsBeforeTheWaitEnded);
        Assert.Equal("succeeded", summary.Outcome);
        var row = await harness.LastRunAsync();
        Assert.Equal(2, row.Calls);
        Assert.Equal(["attempt 1 failed (HTTP 429); retrying in 2 s"], row.Retries);
        Assert.Equal(3, harness.Server.Calls);
    }

    [Fact]
    public async Task Collect_429WithRetryAfterFarBeyondTheBudget_FailsFast_AndNoRunCallsTheHostUntilThen()
    {
        var (harness, before) = await SeededAsync(Status(429, retryAfter: "3600"), Ok(HttpSourceHarness.Revised));
        await using var _h = harness;

        // No time is advanced: a run that waited in-process for the hour would never finish.
        var first = await Assert.ThrowsAsync<TransientSourceException>(() => harness.CollectAsync());
        var second = await Assert.ThrowsAsync<TransientSourceException>(() => harness.CollectAsync());
        var callsWhileCooling = harness.Server.Calls;
        var storedWhileCooling = await harness.StoredAsync();
        harness.Time.Advance(TimeSpan.FromSeconds(3600));
        var later = await harness.CollectAsync();

        Assert.Equal(("rate-limited", "rate-limited"), (first.FailureClass, second.FailureClass));
        var runs = await harness.RunsAsync();
        Assert.Equal(("failed-transient", "rate-limited", 1), (runs[1].Outcome, runs[1].FailureClass, runs[1].Calls));
        Assert.Equal("src: HTTP 429 asks to wait 3600 s, more than this source may wait in a run (30 s); no call to " + new Uri(harness.Server.BaseUrl).Authority + " before 2024-03-01 03:00:00Z", runs[1].Error);
        Assert.Equal(("failed-transient", "rate-limited", 0), (runs[2].Outcome, runs[2].FailureClass, runs[2].Calls));
        Assert.EndsWith("asked to wait until 2024-03-01 03:00:00Z (Retry-After); no call made", runs[2].Error, StringComparison.Ordinal);
        Assert.Equal(2, callsWhileCooling);
        Assert.Equal(before, storedWhileCooling);
        Assert.Equal(("succeeded", 3), (later.Outcome, harness.Server.Calls));
    }

    [Fact]
    public async Task Collect_Hang_TimesOutEachAttempt_ThenFailsTransient()
    {
        var (harness, before) = await SeededAsync(Hang);
        await using var _h = harness;

        var run = harness.CollectAsync();
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            // The seed run's attempt started one 5 s timer already.
            await harness.Time.AdvanceWhenStartedAsync(HttpSourceHarness.AttemptTimeout, attempt + 1, () => harness.Server.Calls >= attempt + 1);
        }

        var failure = await Assert.ThrowsAsync<TransientSourceException>(() => run);

        Assert.Equal("timeout", failure.FailureClass);
        var row = await harness.LastRunAsync();
        Assert.Equal(("failed-transient", "timeout", 3), (row.Outcome, row.FailureClass, row.Calls));
        Assert.Equal("src: no answer within 5 s after 3 call(s)", row.Error);
        Assert.Equal(["attempt 1 failed (attempt timed out); retrying in 0 s", "attempt 2 failed (attempt timed out); retrying in 0 s"], row.Retries);
        Assert.Equal(4, harness.Server.Calls);
        Assert.Equal(before, await harness.StoredAsync());
    }

    [Fact]
    public async Task Collect_SlowDrip_CountsAgainstTheAttemptTimeout()
    {
        var (harness, before) = await SeededAsync(SlowDrip(HttpSourceHarness.Revised, TimeSpan.FromMilliseconds(50)));
        await using var _h = harness;

        var run = harness.CollectAsync();
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            await harness.Time.AdvanceWhenStartedAsync(HttpSourceHarness.AttemptTimeout, attempt + 1, () => harness.Server.Calls >= attempt + 1);
        }

        await Assert.ThrowsAsync<TransientSourceException>(() => run);

        var row = await harness.LastRunAsync();
        Assert.Equal(("failed-transient", "timeout", 3), (row.Outcome, row.FailureClass, row.Calls));
        Assert.Equal(4, harness.Server.Calls);
        Assert.Equal(before, await harness.StoredAsync());
    }

    [Fact]
    public async Task Collect_ConnectionReset_IsRetried_ThenFailsTransient()
    {
        var (harness, before) = await SeededAsync(Reset);
        await using var _h = harness;

        var failure = await Assert.ThrowsAsync<TransientSourceException>(() => harness.CollectAsync());

        Assert.Equal("connection", failure.FailureClass);
        var row = await harness.LastRunAsync();
        Assert.Equal(("failed-transient", "connection", 3, 2), (row.Outcome, row.FailureClass, row.Calls, row.Retries.Length));
        Assert.EndsWith("after 3 call(s)", row.Error, StringComparison.Ordinal);
        Assert.Equal(4, harness.Server.Calls);
        Assert.Equal(before, await harness.StoredAsync());
    }

    [Fact]
    public async Task Collect_TruncatedBody_IsRetried_AndOnlyTheCompleteAnswerIsStored()
    {
        var (harness, _) = await SeededAsync(Truncated(HttpSourceHarness.Revised), Ok(HttpSourceHarness.Revised));
        await using var _h = harness;

        var summary = await harness.CollectAsync();

        Assert.Equal(("succeeded", 1), (summary.Outcome, summary.Counts!.Stored));
        var row = await harness.LastRunAsync();
        Assert.Equal(2, row.Calls);
        Assert.Equal("attempt 1 failed (HTTP 200 with a truncated body); retrying in 0 s", Assert.Single(row.Retries));
        Assert.Equal(3, harness.Server.Calls);
        Assert.Equal(RevisedFigures, (await harness.StoredAsync()).Observations);
    }

    [Fact]
    public async Task Collect_TruncatedBodyEveryTime_FailsTransientAsTruncated()
    {
        var (harness, before) = await SeededAsync(Truncated(HttpSourceHarness.Revised));
        await using var _h = harness;

        var failure = await Assert.ThrowsAsync<TransientSourceException>(() => harness.CollectAsync());

        Assert.Equal("truncated", failure.FailureClass);
        Assert.Equal(("failed-transient", 3), ((await harness.LastRunAsync()).Outcome, (await harness.LastRunAsync()).Calls));
        Assert.Equal(before, await harness.StoredAsync());
    }

    [Fact]
    public async Task Collect_HtmlPageWith200_FailsPermanentlyAtOnce()
    {
        var (harness, before) = await SeededAsync(Html);
        await using var _h = harness;

        var failure = await Assert.ThrowsAsync<PermanentSourceException>(() => harness.CollectAsync());

        Assert.Equal("html", failure.FailureClass);
        var row = await harness.LastRunAsync();
        Assert.Equal(("failed-permanent", "html", 1, 0), (row.Outcome, row.FailureClass, row.Calls, row.Retries.Length));
        Assert.Equal("src: the endpoint sent an HTML page (content type 'text/html') instead of JSON", row.Error);
        Assert.Equal(2, harness.Server.Calls);
        Assert.Equal(before, await harness.StoredAsync());
    }

    [Fact]
    public async Task Collect_WrongContentType_XmlIsNotJson_FailsPermanently()
    {
        var (harness, before) = await SeededAsync(Ok("<?xml version=\"1.0\" encoding=\"UTF-8\"?><result><data><Result><year>2021</year></Result></data></result>", "application/xml"));
        await using var _h = harness;

        var failure = await Assert.ThrowsAsync<PermanentSourceException>(() => harness.CollectAsync());

        Assert.Equal("not-json", failure.FailureClass);
        var row = await harness.LastRunAsync();
        Assert.Equal(("failed-permanent", 1, 0), (row.Outcome, row.Calls, row.Retries.Length));
        Assert.StartsWith("src: the answer is not JSON (content type 'application/xml'", row.Error, StringComparison.Ordinal);
        Assert.Equal(before, await harness.StoredAsync());
    }

    [Fact]
    public async Task Collect_WrongContentType_JsonLabelledHtml_IsReadByItsContent()
    {
        var (harness, _) = await SeededAsync(Ok(HttpSourceHarness.Revised, "text/html;charset=UTF-8"));
        await using var _h = harness;

        var summary = await harness.CollectAsync();

        Assert.Equal(("succeeded", 1), (summary.Outcome, summary.Counts!.Stored));
        Assert.Equal(1, (await harness.LastRunAsync()).Calls);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Collect_VeryLargeBody_FailsPermanentlyWithoutKeepingIt(bool declaredLength)
    {
        var harness = await HttpSourceHarness.StartAsync(Script(Ok(HttpSourceHarness.Seed), Large(4 * 1024 * 1024, declaredLength)),
            settings: new Dictionary<string, string?> { ["Collector:MaxResponseBytes"] = "65536" });
        await using var _h = harness;
        await harness.CollectAsync();
        var before = await harness.StoredAsync();

        var failure = await Assert.ThrowsAsync<PermanentSourceException>(() => harness.CollectAsync());

        Assert.Equal("too-large", failure.FailureClass);
        var row = await harness.LastRunAsync();
        Assert.Equal(("failed-permanent", 1, 0), (row.Outcome, row.Calls, row.Retries.Length));
        Assert.Equal(declaredLength
            ? "src: the body is 4194300 bytes, over the 65536-byte limit (Collector:MaxResponseBytes)"
            : "src: the body is over the 65536-byte limit (Collector:MaxResponseBytes)", row.Error);
        Assert.Equal(before, await harness.StoredAsync());
    }

    [Fact]
    public async Task Collect_AuthRefused_FailsPermanentlyWithTheEnvelopeMessage()
    {
        var (harness, before) = await SeededAsync(Status(401, body: """{"code":401,"msg":"sso not login."}"""));
        await using var _h = harness;

        var failure = await Assert.ThrowsAsync<PermanentSourceException>(() => harness.CollectAsync());

        Assert.Equal("auth", failure.FailureClass);
        var row = await harness.LastRunAsync();
        Assert.Equal(("failed-permanent", 1, "src: HTTP 401: authentication or permission refused: sso not login."), (row.Outcome, row.Calls, row.Error));
        Assert.Equal(before, await harness.StoredAsync());
    }
}
