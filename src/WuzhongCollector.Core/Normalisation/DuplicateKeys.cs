namespace WuzhongCollector.Core.Normalisation;

/// <summary>
/// One payload must not state two values for the same indicator, area and period. Identical repeats
/// collapse to one; conflicting ones are all rejected rather than decided by whichever came last.
/// </summary>
public static class DuplicateKeys
{
    private const int ListedConflicts = 3;

    public static (List<Observation> Unique, List<Rejection> Conflicts) Resolve(IEnumerable<Observation> observations)
    {
        var firstByKey = new Dictionary<(string, string, string), Observation>();
        var conflicted = new Dictionary<(string, string, string), List<Observation>>();
        foreach (var observation in observations)
        {
            if (!firstByKey.TryGetValue(observation.Key, out var first))
            {
                firstByKey[observation.Key] = observation;
                continue;
            }

            if (first.Value == observation.Value && first.Status == observation.Status)
            {
                continue;
            }

            if (!conflicted.TryGetValue(observation.Key, out var list))
            {
                conflicted[observation.Key] = list = [first];
            }

            list.Add(observation);
        }

        var conflicts = new List<Rejection>();
        foreach (var (key, list) in conflicted)
        {
            firstByKey.Remove(key);
            // Each reject names the others; a bounded list keeps a file of one key repeated 100,000 times from
            // making 100,000 reasons of 100,000 values each.
            var values = string.Join(" vs ", list.Take(ListedConflicts).Select(o => $"{o.Value} at {o.Location}"))
                + (list.Count > ListedConflicts ? $" and {list.Count - ListedConflicts} more" : string.Empty);
            conflicts.AddRange(list.Select(o => new Rejection(o.Location, "value", o.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"conflicting duplicate for {key.Item1} {key.Item2} {key.Item3}: {values}") { IndicatorCode = o.IndicatorCode, AreaCode = o.AreaCode, Period = o.Period }));
        }

        return (firstByKey.Values.ToList(), conflicts);
    }
}
