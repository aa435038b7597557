using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Normalisation;
using WuzhongCollector.Core.Parsing;
using WuzhongCollector.Core.Sources;
using WuzhongCollector.Core.Tables;

namespace WuzhongCollector.Service.Cli;

/// <summary>Prints a preview as aligned text for people or as JSON lines for tools, with the cell of each line.</summary>
internal sealed class PreviewPrinter(TextWriter output, bool json, SourceDefinition source, IndicatorCatalogue catalogue)
{
    private readonly List<Observation> observations = [];
    private int errors;
    private int missing;
    private int skipped;

    public async Task WriteAsync(RawRecord record, Observation? observation, Rejection? rejection)
    {
        if (observation is not null)
        {
            observations.Add(observation);
            var unit = catalogue.Find(observation.IndicatorCode)!.Unit;
            var cell = Cell(record, source.Mapping.Value);
            await output.WriteLineAsync(json
                ? PreviewCommand.Json(new
                {
                    type = "observation", indicator = observation.IndicatorCode, area = observation.AreaCode, period = observation.Period.Id,
                    periodType = observation.Period.TypeName, value = observation.Value, unit, status = observation.Status.ToText(),
                    origin = observation.Location, sheet = cell?.Sheet, row = cell?.Row, column = cell?.Column, header = cell?.Header,
                })
                : $"OK      {observation.IndicatorCode,-32} {observation.AreaCode} {observation.Period.Id,-17} {PreviewCommand.Number(observation.Value),12} {unit,-5} {observation.Status.ToText(),-11} {observation.Location}");
            return;
        }

        var r = rejection!;
        if (r.Kind == RejectKind.Error)
        {
            errors++;
        }
        else if (r.Kind == RejectKind.Skipped)
        {
            skipped++;
        }
        else
        {
            missing++;
        }

        var at = Cell(record, FieldOf(r.Field));
        await output.WriteLineAsync(json
            ? PreviewCommand.Json(new
            {
                type = "reject", kind = r.KindText, field = r.Field, rawValue = r.RawValue, reason = r.Reason,
                origin = r.Location, sheet = at?.Sheet, row = at?.Row, column = at?.Column, header = at?.Header,
            })
            : $"REJECT  {r.KindText,-10} {r.Field,-9} {r.Location}: {r.Reason}");
    }

    public async Task FailAsync(string message) =>
        await output.WriteLineAsync(json ? PreviewCommand.Json(new { type = "error", reason = message }) : $"ERROR   {message}");

    /// <summary>Conflicting duplicates are rejected by the write as well; the preview shows them too.</summary>
    public async Task<int> FinishAsync(string origin)
    {
        var (unique, conflicts) = DuplicateKeys.Resolve(observations);
        foreach (var conflict in conflicts)
        {
            errors++;
            await output.WriteLineAsync(json
                ? PreviewCommand.Json(new { type = "reject", kind = conflict.KindText, field = conflict.Field, rawValue = conflict.RawValue, reason = conflict.Reason, origin = conflict.Location })
                : $"REJECT  {conflict.KindText,-10} {conflict.Field,-9} {conflict.Location}: {conflict.Reason}");
        }

        await output.WriteLineAsync(json
            ? PreviewCommand.Json(new { type = "summary", source = source.Id, file = origin, observations = unique.Count, errors, missing, skipped, written = 0 })
            : $"{source.Id}: {unique.Count} observation(s) would be stored, {errors} reject(s), {missing} missing or below unit, {(skipped > 0 ? $"{skipped} skipped by the mapping, " : string.Empty)}from {origin}; nothing was written");
        return errors > 0 ? 1 : 0;
    }

    private FieldMap? FieldOf(string field) => field switch
    {
        "indicator" => source.Mapping.Indicator,
        "area" => source.Mapping.Area,
        "period" => source.Mapping.Period,
        "unit" => source.Mapping.Unit ?? source.Mapping.Value,
        "status" => source.Mapping.Status,
        _ => source.Mapping.Value,
    };

    private static CellAddress? Cell(RawRecord record, FieldMap? map) =>
        map?.From is { } from ? record.Table?.Address(from) : null;
}
