using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Monitoring;
using WuzhongCollector.Core.Normalisation;
using WuzhongCollector.Core.Quality;
using WuzhongCollector.Core.Sources;
using WuzhongCollector.Service.Collection;
using WuzhongCollector.Service.Plan;

namespace WuzhongCollector.Service.Cli;

/// <summary>
/// Prints a preview as aligned text for people or as JSON lines for tools (nothing else goes to standard
/// output then): each figure and reject with its cell, and a summary with the outcome a run would record.
/// Compact (check) prints the rejects, at most <see cref="CompactRejects"/>, and the summary only.
/// </summary>
internal sealed class PreviewPrinter(TextWriter output, bool json, bool compact)
{
    private const int CompactRejects = 10;

    public async Task<int> NoSourceAsync(string argument, IReadOnlyList<ConfigError> errors, string problem)
    {
        foreach (var e in errors)
        {
            await output.WriteLineAsync(json ? PreviewCommand.Json(new { type = "config-error", file = e.File, line = e.Line, field = e.Field, message = e.Message }) : e.ToString());
        }

        await output.WriteLineAsync(json ? PreviewCommand.Json(new { type = "error", source = argument, reason = problem }) : problem);
        return 1;
    }

    /// <summary>The fetch or read failed as a run would fail (<paramref name="outcome"/>), or the --diff database could not be read (null).</summary>
    public async Task<int> FailAsync(string sourceId, string? outcome, string failureClass, string message, RunLog log)
    {
        var reason = message.StartsWith(sourceId + ": ", StringComparison.Ordinal) ? message[(sourceId.Length + 2)..] : message;
        if (json)
        {
            await output.WriteLineAsync(PreviewCommand.Json(new { type = "error", source = sourceId, outcome, failureClass, reason, calls = log.Calls, retries = log.Retries }));
            return 1;
        }

        await FetchStepsAsync(log);
        await output.WriteLineAsync($"FAILED  {sourceId}: {reason}" + (outcome is null ? string.Empty : $" (a run would end {outcome}, {failureClass})"));
        return 1;
    }

    /// <summary><paramref name="ranges"/>: the plausible ranges that flag a figure (as /api/quality/flags would), or null for none.</summary>
    public async Task<int> WriteAsync(SourceDefinition source, IndicatorCatalogue catalogue, MonitoringSettings? ranges, PreviewResult result, RunLog log)
    {
        var payload = result.Payload;
        if (!json)
        {
            await FetchStepsAsync(log);
            await output.WriteLineAsync($"payload {payload.Origin}: {payload.Size} bytes, sha256 {payload.Sha256[..12]}, {log.Calls} call(s)");
            if (result.Fields is { } fields)
            {
                await output.WriteLineAsync((result.IsTable ? "columns " : "fields  ") + string.Join(", ", fields));
            }
        }

        var (errors, missing, skipped, flagged) = (0, 0, 0, 0);
        foreach (var line in result.Lines)
        {
            if (line.Observation is { } observation)
            {
                var unit = catalogue.Find(observation.IndicatorCode)!.Unit;
                var flag = QualityChecks.CheckRange(observation.Value, ranges?.RangeFor(observation.IndicatorCode, unit));
                flagged += flag is null ? 0 : 1;
                if (!compact)
                {
                    await ObservationAsync(observation, line, Change(result, observation), unit, flag, source.Id);
                }

                continue;
            }

            var kind = line.Rejection!.Kind;
            (errors, missing, skipped) = kind switch
            {
                RejectKind.Error => (errors + 1, missing, skipped),
                RejectKind.Skipped => (errors, missing, skipped + 1),
                _ => (errors, missing + 1, skipped),
            };
            if (!compact || (kind != RejectKind.Skipped && errors + missing <= CompactRejects))
            {
                await RejectAsync(line.Rejection, line);
            }
        }

        if (compact && errors + missing > CompactRejects)
        {
            await output.WriteLineAsync($"… {errors + missing - CompactRejects} more reject(s); preview {source.Id} lists them all");
        }

        await SummaryAsync(source.Id, result, log, errors, missing, skipped, flagged);
        return errors > 0 ? 1 : 0;
    }

    private async Task SummaryAsync(string sourceId, PreviewResult result, RunLog log, int errors, int missing, int skipped, int flagged)
    {
        var outcome = RunOutcomes.Of(result.Records, errors);
        var changes = result.Stored is null ? null : result.Unique.Select(o => Change(result, o)!.Value.Change).ToList();
        int? Count(string change) => changes?.Count(c => c == change);
        if (json)
        {
            await output.WriteLineAsync(PreviewCommand.Json(new
            {
                type = "summary", source = sourceId, origin = result.Payload.Origin, outcome, records = result.Records, observations = result.Unique.Count,
                errors, missing, skipped, flagged, @new = Count("new"), revised = Count("revised"), unchanged = Count("unchanged"), written = 0, calls = log.Calls, retries = log.Retries,
            }));
            return;
        }

        var observations = changes is null
            ? $"{result.Unique.Count} observation(s) would be stored"
            : $"{result.Unique.Count} observation(s): {Count("new")} new, {Count("revised")} revised, {Count("unchanged")} unchanged";
        await output.WriteLineAsync(
            $"{sourceId}: {result.Records} record(s) in {result.Payload.Origin}: {observations}, "
            + $"{errors} reject(s), {missing} missing or below unit{(skipped > 0 ? $", {skipped} skipped by the mapping" : string.Empty)}"
            + $"{(flagged > 0 ? $", {flagged} stored but flagged as implausible" : string.Empty)}; a run would end as {outcome}; nothing was written");
    }

    private async Task FetchStepsAsync(RunLog log)
    {
        foreach (var step in log.Steps)
        {
            await output.WriteLineAsync("fetch   " + step);
        }

        foreach (var retry in log.Retries)
        {
            await output.WriteLineAsync("retry   " + retry);
        }
    }

    private async Task ObservationAsync(Observation o, PreviewLine line, (string Change, CurrentFigure? Stored)? change, string unit, QualityFlag? flag, string sourceId)
    {
        var cell = line.Cell;
        var stored = change?.Stored;
        if (json)
        {
            await output.WriteLineAsync(PreviewCommand.Json(new
            {
                type = "observation", indicator = o.IndicatorCode, area = o.AreaCode, period = o.Period.Id, periodType = o.Period.TypeName, value = o.Value, unit,
                status = o.Status.ToText(), flag = flag?.Message, change = change?.Change, stored = stored is null ? null : new { value = stored.Value, status = stored.Status, source = stored.Source, vintage = stored.Vintage },
                origin = o.Location, sheet = cell?.Sheet, row = cell?.Row, column = cell?.Column, header = cell?.Header,
            }));
            return;
        }

        var tag = change?.Change switch { null => "OK", "unchanged" => "SAME", var c => c.ToUpperInvariant() };
        var was = stored is null || (change!.Value.Change == "unchanged" && stored.Source == sourceId) ? string.Empty
            : $" ({(change.Value.Change == "unchanged" ? "stored" : "was")} {PreviewCommand.Number(stored.Value)} {stored.Status}{(stored.Source == sourceId ? string.Empty : " from " + stored.Source)})";
        await output.WriteLineAsync($"{tag,-7} {o.IndicatorCode,-32} {o.AreaCode} {o.Period.Id,-17} {PreviewCommand.Number(o.Value),12} {unit,-5} {o.Status.ToText(),-11} {o.Location}{was}{(flag is null ? string.Empty : $"  FLAG {flag.Message}")}");
    }

    /// <summary>A reject, or a record the mapping skips on purpose (SKIP, type "skip"): counted apart, never an error.</summary>
    private async Task RejectAsync(Rejection r, PreviewLine line)
    {
        var at = line.Cell;
        var skipped = r.Kind == RejectKind.Skipped;
        await output.WriteLineAsync(json
            ? PreviewCommand.Json(new
            {
                type = skipped ? "skip" : "reject", kind = r.KindText, field = r.Field, rawValue = r.RawValue, reason = r.Reason,
                indicator = r.IndicatorCode, area = r.AreaCode, period = r.Period?.Id, periodType = r.Period?.TypeName,
                origin = r.Location, sheet = at?.Sheet, row = at?.Row, column = at?.Column, header = at?.Header,
            })
            : skipped ? $"SKIP    {r.Location}: {r.Reason}" : $"REJECT  {r.KindText,-10} {r.Field,-9} {r.Location}: {r.Reason}");
    }

    /// <summary>With --diff: new (no current figure for the key), unchanged (same value and status), or revised.</summary>
    private static (string Change, CurrentFigure? Stored)? Change(PreviewResult result, Observation o)
    {
        if (result.Stored is not { } stored)
        {
            return null;
        }

        return stored.TryGetValue((o.IndicatorCode, o.AreaCode, o.Period.Id), out var figure)
            ? (figure.Value == o.Value && figure.Status == o.Status.ToText() ? "unchanged" : "revised", figure)
            : ("new", null);
    }
}
