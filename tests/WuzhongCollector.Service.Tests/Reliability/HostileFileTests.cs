using System.Text;
using CsCheck;

namespace WuzhongCollector.Service.Tests.Reliability;

/// <summary>
/// Broken, hostile and drifting files through the real job and PostgreSQL: each fails permanently with a clear
/// error and writes nothing, and what was stored before stays exactly as it was.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class HostileFileTests : IDisposable
{
    private const string Header = "指标名称,期别,数值,单位\n";
    private const string GoodRows = "推广应用工业机器人,2021年,310,台\n推广应用工业机器人,2022年,655,台\n";

    private readonly TestConfig config = new();

    public void Dispose() => config.Dispose();

    private static string Source(string valueColumn = "数值") => $$"""
        name: test csv
        kind: csv
        schedule: { cron: "0 2 * * *" }
        file: { path: exports/robots.csv, encoding: utf-8 }
        mapping:
          indicator: { from: 指标名称, codes: { 推广应用工业机器人: INDUSTRIAL_ROBOTS_DEPLOYED } }
          period: 期别
          value: {{valueColumn}}
          unit: 单位
        """;

    public static TheoryData<string, byte[], string> BrokenFiles() => new()
    {
        { "huge line", Utf8(Header + "推广应用工业机器人,2023年," + new string('9', 3 * 1024 * 1024) + ",台\n"),
            "exports/robots.csv row 2: a record is longer than 1 MiB; the file is not a table this source can read" },
        { "invalid UTF-8", [.. Utf8(Header + GoodRows + "推广应用工业机器人,2023年,"), 0xC3, 0x28, .. Utf8(",台\n")],
            "exports/robots.csv row 4 column 3: bytes that are not valid utf-8 text; is the file in another encoding (set file.encoding) or cut off?" },
        { "empty", [], "exports/robots.csv: the file is empty (no header row)" },
        { "header only", Utf8(Header), "exports/robots.csv: the file has a header row but no data rows" },
        { "truncated", Utf8(Header + GoodRows + "推广应用工业机器人,2023"),
            "exports/robots.csv row 4: 2 field(s) where the header has 4; is the file truncated?" },
    };

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public async Task Collect_BrokenFile_FailsPermanentlyWithAClearError_AndKeepsWhatWasStored(string name, byte[] content, string expected)
    {
        config.WriteSource("robots", Source());
        config.WriteFile("exports/robots.csv", Header + GoodRows);
        await using var host = await CollectorHost.StartAsync(config);
        Assert.Equal("succeeded", (await host.CollectAsync("robots")).Outcome);

        await File.WriteAllBytesAsync(Path.Combine(config.Directory, "exports/robots.csv"), content);
        var failure = await Assert.ThrowsAsync<PermanentSourceException>(() => host.CollectAsync("robots"));

        Assert.Equal(expected, failure.Message);
        var run = await host.QuerySingleAsync<(string Outcome, string Error)>("SELECT outcome, error FROM run ORDER BY id DESC LIMIT 1");
        Assert.Equal(("failed-permanent", expected), run);
        await AssertOnlyTheFirstFileIsStoredAsync(host, name);
    }

    [Fact]
    public async Task Collect_DeeplyNestedJson_FailsPermanentlyWithAClearError()
    {
        var body = "{\"data\":" + new string('[', 100_000) + new string(']', 100_000) + "}";
        await using var endpoint = await LoopbackServer.StartAsync((_, c) => LoopbackServer.Json(c, body));
        config.WriteSource("nested", $$"""
            kind: http-json
            schedule: { cron: "0 2 * * *" }
            http: { url: "{{endpoint.BaseUrl}}/api", records: data, resilience: { maxRetries: 0 } }
            mapping: { indicator: { const: BASE_STATIONS_5G }, period: period, value: value }
            """);
        await using var host = await CollectorHost.StartAsync(config);

        var failure = await Assert.ThrowsAsync<PermanentSourceException>(() => host.CollectAsync("nested"));

        Assert.StartsWith($"{endpoint.BaseUrl}/api: the body is not valid JSON (The maximum configured depth of 64 has been exceeded", failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, await host.ScalarAsync<long>("SELECT count(*) FROM observation"));
        Assert.Equal(1, endpoint.Calls);
    }

    public static TheoryData<string, string, string> DriftedHeaders() => new()
    {
        { "renamed", "指标名称,期别,数量,单位\n", "removed '数值'; added '数量'" },
        { "added", "指标名称,期别,数值,单位,备注\n", "added '备注'" },
        { "removed", "指标名称,期别,数值\n", "removed '单位'" },
    };

    [Theory]
    [MemberData(nameof(DriftedHeaders))]
    public async Task Collect_ColumnRenamedAddedOrRemoved_FailsPermanentlyWithTheDiff_AndWritesNothing(string change, string header, string diff)
    {
        config.WriteSource("robots", Source());
        config.WriteFile("exports/robots.csv", Header + GoodRows);
        await using var host = await CollectorHost.StartAsync(config);
        Assert.Equal("succeeded", (await host.CollectAsync("robots")).Outcome);

        var extra = header.Count(c => c == ',') - 3;
        var rows = "推广应用工业机器人,2021年,310" + (header.Contains("单位", StringComparison.Ordinal) ? ",台" : "") + new string(',', Math.Max(0, extra)) + "\n"
            + "推广应用工业机器人,2023年,700" + (header.Contains("单位", StringComparison.Ordinal) ? ",台" : "") + new string(',', Math.Max(0, extra)) + "\n";
        config.WriteFile("exports/robots.csv", header + rows);
        var failure = await Assert.ThrowsAsync<PermanentSourceException>(() => host.CollectAsync("robots"));

        Assert.Equal(
            $"robots: exports/robots.csv: the columns changed since the last successful run ({diff}); nothing was written. "
            + "If the new layout is intended, update the source file's mapping: the next run accepts the columns it finds then.",
            failure.Message);
        await AssertOnlyTheFirstFileIsStoredAsync(host, change);
    }

    [Fact]
    public async Task Collect_DriftAcceptedByEditingTheSourceFile_RunsWithTheNewLayout()
    {
        config.WriteSource("robots", Source());
        config.WriteFile("exports/robots.csv", Header + GoodRows);
        var connectionString = await TestServer.CreateDatabaseAsync("drift");
        await using (var before = await CollectorHost.StartAsync(config, connectionString))
        {
            await before.CollectAsync("robots");
            config.WriteFile("exports/robots.csv", "指标名称,期别,数量,单位\n推广应用工业机器人,2023年,700,台\n");
            await Assert.ThrowsAsync<PermanentSourceException>(() => before.CollectAsync("robots"));
        }

        config.WriteSource("robots", Source(valueColumn: "数量"));
        await using var host = await CollectorHost.StartAsync(config, connectionString);
        var accepted = await host.CollectAsync("robots");

        Assert.Equal("succeeded", accepted.Outcome);
        Assert.Equal(1, accepted.Counts!.Stored);
    }

    [Fact]
    public async Task Collect_ColumnsReordered_IsNotDrift()
    {
        config.WriteSource("robots", Source());
        config.WriteFile("exports/robots.csv", Header + GoodRows);
        await using var host = await CollectorHost.StartAsync(config);
        await host.CollectAsync("robots");

        config.WriteFile("exports/robots.csv", "期别,指标名称,单位,数值\n2023年,推广应用工业机器人,台,700\n");
        var run = await host.CollectAsync("robots");

        Assert.Equal(("succeeded", 1), (run.Outcome, run.Counts!.Stored));
    }

    private static readonly string[] Cells = ["推广应用工业机器人", "2021年", "2022年9月", "明年", "310", "六百", "1,234", "\"1,234\"", "—", "…", "台", "万台", "", "\"", "\n", ",", "\uFFFD"];

    private static readonly Gen<byte[]> FuzzedFile = Gen.Frequency(
        (5, Gen.Int[0, Cells.Length - 1].Array[0, 5].Array[1, 8]
            .Select(rows => Utf8(Header + string.Concat(rows.Select(r => string.Join(',', r.Select(i => Cells[i])) + "\n"))))),
        (3, Gen.Int[0, Cells.Length - 1].Array[0, 5].Array[1, 8]
            .Select(rows => Utf8(Header + string.Concat(rows.Select((r, n) => $"推广应用工业机器人,{2010 + n}年,{(r.Length > 0 ? Cells[r[0]] : "1")},台\n"))))),
        (1, Gen.Byte.Array[0, 300].Select(junk => Utf8(Header).Concat(junk).ToArray())));

    [Fact]
    public async Task Collect_FuzzedFiles_EitherCommitAWholeRunOrWriteNothing()
    {
        config.WriteSource("robots", Source());
        config.WriteFile("exports/robots.csv", Header + GoodRows);
        await using var host = await CollectorHost.StartAsync(config);
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);

        await FuzzedFile.SampleAsync(async bytes =>
        {
            var before = await host.QuerySingleAsync<(long Observations, long Rejects, long Payloads)>(
                "SELECT (SELECT count(*) FROM observation), (SELECT count(*) FROM reject), (SELECT count(*) FROM payload)");
            await File.WriteAllBytesAsync(Path.Combine(config.Directory, "exports/robots.csv"), bytes);
            string outcome;
            try
            {
                var run = await host.CollectAsync("robots");
                outcome = run.Outcome;
                if (run.Counts is { } counts)
                {
                    var written = await host.QuerySingleAsync<(long Observations, long Rejects)>(
                        "SELECT (SELECT count(*) FROM observation WHERE run_id = @id), (SELECT count(*) FROM reject WHERE run_id = @id)", new { id = run.RunId });
                    Assert.Equal(counts.Stored, written.Observations);
                    Assert.Equal(counts.Rejected + counts.Missing, written.Rejects);
                    // Identical repeats of a key collapse into one stored or unchanged row; nothing is counted twice.
                    Assert.InRange(counts.Stored + counts.Unchanged + counts.Rejected + counts.Missing, 1, counts.RowsRead);
                }
            }
            catch (PermanentSourceException ex)
            {
                outcome = "failed-permanent";
                Assert.StartsWith("exports/robots.csv", ex.Message, StringComparison.Ordinal);
                var after = await host.QuerySingleAsync<(long Observations, long Rejects, long Payloads)>(
                    "SELECT (SELECT count(*) FROM observation), (SELECT count(*) FROM reject), (SELECT count(*) FROM payload)");
                Assert.Equal(before, after);
            }

            Assert.Contains(outcome, new[] { "succeeded", "partial", "unchanged", "failed-permanent" });
            lock (outcomes)
            {
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            }
        }, iter: 40, threads: 1);

        Assert.True(outcomes.GetValueOrDefault("failed-permanent") > 0, string.Join(", ", outcomes));
        Assert.True(outcomes.GetValueOrDefault("partial") + outcomes.GetValueOrDefault("succeeded") > 0, string.Join(", ", outcomes));
    }

    private static async Task AssertOnlyTheFirstFileIsStoredAsync(CollectorHost host, string because)
    {
        var stored = await host.QueryAsync<(string Period, decimal Value, int Vintage)>("SELECT period, value, vintage FROM observation ORDER BY period");
        Assert.True(stored.SequenceEqual([("2021", 310m, 1), ("2022", 655m, 1)]), $"{because}: {string.Join(", ", stored)}");
        Assert.Equal(0, await host.ScalarAsync<long>("SELECT count(*) FROM reject"));
        Assert.Equal(1, await host.ScalarAsync<long>("SELECT count(*) FROM payload"));
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
