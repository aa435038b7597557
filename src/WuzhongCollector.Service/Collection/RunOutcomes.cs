namespace WuzhongCollector.Service.Collection;

/// <summary>The outcome of a run that read its payload, decided the same way by runs, check and preview.</summary>
public static class RunOutcomes
{
    /// <summary>The outcomes in which the source answered and nothing failed, for SQL <c>IN (…)</c> lists.</summary>
    public const string SuccessfulSql = "'succeeded', 'unchanged', 'partial', 'empty'";

    /// <summary>
    /// <c>partial</c> when a record was rejected as an error; <c>empty</c> when the answer held no records at all
    /// (an SDMX 404, an NBS 501 "no data", an empty first page): ops then see no data, not a failure; else
    /// <c>succeeded</c>. Records a rule of the mapping skipped count as read: an answer of only skipped records
    /// succeeded.
    /// </summary>
    public static string Of(int recordsRead, int rejected) => rejected > 0 ? "partial" : recordsRead == 0 ? "empty" : "succeeded";
}
