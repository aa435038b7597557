namespace WuzhongCollector.Core.Normalisation;

/// <summary>
/// One payload must not state two values for the same indicator, area and period. Identical repeats
/// collapse to one; conflicting ones are all rejected rather than decided by whichever came last.
/// </summary>
public static class DuplicateKeys
{
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
            var values = string.Join(" vs ", list.Select(o => $"{o.Value} at {o.Location}"));
            conflicts.AddRange(list.Select(o => new Rejection(o.Location, "value", o.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"conflicting duplicate for {key.Item1} {key.Item2} {key.Item3}: {values}") { IndicatorCode = o.IndicatorCode, AreaCode = o.AreaCode, Period = o.Period }));
        }

        return (firstByKey.Values.ToList(), conflicts);
    }
}
