using WuzhongCollector.Core.Parsing;

namespace WuzhongCollector.Service.Collection;

/// <summary>
/// The "freeze" contract for table sources: a file must have the columns of the last successful run of
/// the same source file. A renamed, added or removed column fails the run permanently at its first record, before
/// anything is committed (<see cref="HeaderCheck"/>), because a department that changed its export may also have
/// changed what a column means.
/// Editing the source file (a new config hash) accepts the layout the edited file is run with.
/// Column order does not matter: the mapping finds columns by name.
/// </summary>
public static class ColumnDrift
{
    /// <summary>Null when the columns match (or there is nothing to compare with), else the difference in words.</summary>
    public static string? Describe(IReadOnlyList<string>? accepted, IReadOnlyList<string> current)
    {
        if (accepted is null)
        {
            return null;
        }

        var removed = accepted.Distinct(StringComparer.Ordinal).Except(current, StringComparer.Ordinal).ToList();
        var added = current.Distinct(StringComparer.Ordinal).Except(accepted, StringComparer.Ordinal).ToList();
        if (removed.Count == 0 && added.Count == 0)
        {
            return null;
        }

        var parts = new List<string>();
        if (removed.Count > 0)
        {
            parts.Add("removed " + string.Join(", ", removed.Select(c => $"'{c}'")));
        }

        if (added.Count > 0)
        {
            parts.Add("added " + string.Join(", ", added.Select(c => $"'{c}'")));
        }

        return $"the columns changed since the last successful run ({string.Join("; ", parts)}); nothing was written. "
            + "If the new layout is intended, update the source file's mapping: the next run accepts the columns it finds then.";
    }
}

/// <summary>
/// Takes a table's columns from its first record as the run reads it (layout applied, without the fields a layout
/// adds: $period, $value …) and fails the run there when they drifted from <paramref name="accepted"/>. Checking the
/// records the run reads, rather than reading the file once more, keeps a large file to one pass.
/// </summary>
public sealed class HeaderCheck(string where, IReadOnlyList<string>? accepted)
{
    /// <summary>The columns of the first record; null until it is read, and for a table without records.</summary>
    public string[]? Columns { get; private set; }

    public IEnumerable<RawRecord> Check(IEnumerable<RawRecord> records)
    {
        foreach (var record in records)
        {
            if (Columns is null)
            {
                Columns = record.Fields.Keys.Where(k => !k.StartsWith('$')).ToArray();
                if (ColumnDrift.Describe(accepted, Columns) is { } drift)
                {
                    throw new PermanentSourceException($"{where}: {drift}");
                }
            }

            yield return record;
        }
    }
}
