using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Parsing;
using WuzhongCollector.Core.Sources;
using WuzhongCollector.Core.Tables;

namespace WuzhongCollector.Core.Normalisation;

/// <summary>
/// Pure mapping of one raw record to an observation, or to a rejection that says where and why.
/// </summary>
public sealed class RecordMapper(RecordMapping mapping, IndicatorCatalogue catalogue, int? contextYear = null)
{
    // A file repeats a handful of labels, periods and units a million times; the pure parsers behind
    // these caches are regex-heavy. Bounded, so a file of distinct texts cannot grow them without limit.
    private const int CacheLimit = 4096;
    private readonly Dictionary<string, string> labels = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, int?), Period?> periods = [];
    private readonly Dictionary<(string, string), (bool Ok, decimal Factor, string? Error)> conversions = [];

    public (Observation? Observation, Rejection? Rejection) Map(RawRecord record)
    {
        var key = default(RecordKey);
        var (observation, rejection) = Map(record, ref key);
        return (observation, rejection is null ? null : rejection with { IndicatorCode = key.Indicator, AreaCode = key.Area, Period = key.Period });
    }

    /// <summary>What of the record's key was resolved before it was rejected.</summary>
    private struct RecordKey
    {
        public string? Indicator;
        public string? Area;
        public Period? Period;
    }

    private (Observation? Observation, Rejection? Rejection) Map(RawRecord record, ref RecordKey key)
    {
        if (!Resolve(record, mapping.Indicator, "indicator", out var indicatorText, out var rejection))
        {
            return (null, rejection);
        }

        var indicator = catalogue.Find(indicatorText!);
        if (indicator is null)
        {
            return (null, Reject(record, mapping.Indicator, "indicator", $"no indicator code for '{indicatorText}'; add it to mapping.indicator.codes"));
        }

        key.Indicator = indicator.Code;

        if (!Resolve(record, mapping.Area, "area", out var area, out rejection))
        {
            return (null, rejection);
        }

        key.Area = area;

        if (!Resolve(record, mapping.Period, "period", out var periodText, out rejection))
        {
            return (null, rejection);
        }

        // A table's title year completes periods written without one (1-9月 in a 2023 report).
        var table = record.Table;
        if (ParsePeriod(periodText!, contextYear ?? table?.Shape.Period?.Year) is not { } period)
        {
            return (null, Reject(record, mapping.Period, "period", $"'{periodText}' is not a period this service reads (e.g. 2023, 2023年9月, 2023-Q1, 2023年1-9月)"));
        }

        key.Period = period;

        var valueText = mapping.Value.Const ?? record.Get(mapping.Value.From!);
        var reading = ValueParser.Read(valueText);
        var valueWhere = Where(record, mapping.Value);
        if (reading.MissingKind is { } missing)
        {
            return (null, new Rejection(valueWhere, "value", valueText, $"{indicator.Code} {period.Id}: {reading.Problem}", missing));
        }

        if (!reading.IsNumber)
        {
            return (null, new Rejection(valueWhere, "value", valueText, reading.Problem!));
        }

        var status = mapping.Status is null && table is not null ? table.StatusFor(mapping.Value.From, period) : ObservationStatus.Normal;
        if (mapping.Status is not null)
        {
            var statusText = mapping.Status.Const ?? record.Get(mapping.Status.From!);
            if (ObservationStatusText.Parse(statusText) is not { } parsed)
            {
                return (null, new Rejection(Where(record, mapping.Status), "status", statusText, $"unknown status '{statusText}' (快报, 预计, 公报, provisional, estimated)"));
            }

            status = parsed;
        }

        var value = reading.Value!.Value;
        string? unit = null;
        if (mapping.Unit is not null)
        {
            unit = mapping.Unit.Const ?? record.Get(mapping.Unit.From!);
            if (string.IsNullOrWhiteSpace(unit))
            {
                unit = null;
            }
        }

        // A blank or unmapped unit falls back to what the table states: the value column's header, then its "单位：" row.
        unit ??= table?.UnitFor(mapping.Value.From);

        if (reading.HasPercentSign)
        {
            if (unit is not null && Units.DimensionOf(unit) != UnitDimension.Percent)
            {
                return (null, new Rejection(valueWhere, "value", valueText, $"value has a % sign but the unit is '{unit}'"));
            }

            unit = "%";
        }
        else if (mapping.PercentAsFraction && indicator.Unit == "%")
        {
            value *= 100m;
        }

        if (unit is not null && !TryConvert(ref value, unit, indicator.Unit, out var unitError))
        {
            var unitWhere = mapping.Unit?.From is { } unitField ? record.Where(unitField) : valueWhere;
            return (null, new Rejection(unitWhere, "unit", unit, $"{indicator.Code}: {unitError}"));
        }

        return (new Observation(indicator.Code, area!, period, value, status, valueWhere), null);
    }

    private static string Where(RawRecord record, FieldMap map) => map.From is { } from ? record.Where(from) : $"{record.Origin} {record.Position}";

    private Period? ParsePeriod(string text, int? year)
    {
        if (!periods.TryGetValue((text, year), out var period))
        {
            period = PeriodParser.TryParse(text, out var parsed, year) ? parsed : null;
            Remember(periods, (text, year), period);
        }

        return period;
    }

    private bool TryConvert(ref decimal value, string from, string to, out string? error)
    {
        if (!conversions.TryGetValue((from, to), out var conversion))
        {
            var ok = Units.TryConvert(1m, from, to, out var factor, out var problem);
            conversion = (ok, factor, problem);
            Remember(conversions, (from, to), conversion);
        }

        error = conversion.Error;
        if (conversion.Ok && conversion.Factor != 1m)
        {
            value = Units.Trim(value * conversion.Factor);
        }

        return conversion.Ok;
    }

    private string NormaliseLabel(string text)
    {
        if (!labels.TryGetValue(text, out var label))
        {
            label = Labels.Normalise(text);
            Remember(labels, text, label);
        }

        return label;
    }

    private static void Remember<TKey, TValue>(Dictionary<TKey, TValue> cache, TKey key, TValue value)
        where TKey : notnull
    {
        if (cache.Count < CacheLimit)
        {
            cache[key] = value;
        }
    }

    private bool Resolve(RawRecord record, FieldMap map, string field, out string? value, out Rejection? rejection)
    {
        rejection = null;
        value = map.Const ?? record.Get(map.From!);
        if (map.From is not null && !record.Fields.ContainsKey(map.From))
        {
            rejection = Reject(record, map, field, $"the record has no field '{map.From}'");
            return false;
        }

        if (string.IsNullOrWhiteSpace(value))
        {
            rejection = Reject(record, map, field, map.From == TableFieldDictionary.PeriodField
                ? "no period: the title rows and sheet name state none; map mapping.period to a period column"
                : $"{field} is blank");
            return false;
        }

        if (map.Codes is { } codes)
        {
            var label = NormaliseLabel(value);
            if (codes.TryGetValue(label, out var code))
            {
                value = code;
            }
            else if (field != "indicator")
            {
                rejection = Reject(record, map, field, $"'{value}' is not listed in mapping.{field}.codes");
                return false;
            }
        }

        value = value.Trim();
        return true;
    }

    private static Rejection Reject(RawRecord record, FieldMap map, string field, string reason) =>
        new(Where(record, map), field, map.From is { } from ? record.Get(from) : map.Const, reason);
}
