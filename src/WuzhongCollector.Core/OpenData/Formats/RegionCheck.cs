using WuzhongCollector.Core.Parsing;

namespace WuzhongCollector.Core.OpenData.Formats;

/// <summary>
/// NBS answers for another region than asked when a request is subtly wrong, and says nothing. Each record for
/// another region is rejected on its own (<c>region-mismatch</c>, naming both regions); only an answer whose every
/// record is foreign fails the run as <c>wrong-region</c>, with a hint that fits the request.
/// </summary>
internal static class RegionCheck
{
    public static RawRecord Mark(RawRecord record, string? region, string? regionName, IReadOnlySet<string> asked) =>
        asked.Count == 0 || (region is not null && asked.Contains(region))
            ? record
            : record with
            {
                Problem = new RecordProblem("area", region is null
                    ? $"region-mismatch: the record has no region, but the query asked for {string.Join(", ", asked)}"
                    : $"region-mismatch: the record is for region {region}{(regionName is null ? string.Empty : $" ({regionName})")}, but the query asked for {string.Join(", ", asked)}"),
            };

    /// <summary>Fails the run when there are records and every one is foreign.</summary>
    public static IReadOnlyList<RawRecord> Check(IReadOnlyList<RawRecord> records, string origin, string hint)
    {
        if (records.Count > 0 && records.All(r => r.Problem?.Reason.StartsWith("region-mismatch", StringComparison.Ordinal) == true))
        {
            throw new PayloadException($"{origin} {records[0].Position}: every record is for another region than asked; {records[0].Problem!.Reason["region-mismatch: ".Length..]}; {hint}", "wrong-region");
        }

        return records;
    }
}
