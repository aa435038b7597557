using System.Text.RegularExpressions;
using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Parsing;
using WuzhongCollector.Core.Sources;
using WuzhongCollector.Core.Tables;

namespace WuzhongCollector.Core.Normalisation;

/// <summary>
/// Pure mapping of one raw record to observations, or to rejections that say where and why. A record gives one
/// observation per value it holds (<see cref="RecordMapping.ValueFields"/>), or one skip when a rule of the
/// mapping leaves it out.
/// </summary>
public sealed partial class RecordMapper(RecordMapping mapping, IndicatorCatalogue catalogue, int? contextYear = null)
{
    // A file repeats a handful of labels, periods and units a million times; the pure parsers behind
    // these caches are regex-heavy. Bounded, so a file of distinct texts cannot grow them without limit.
    private const int CacheLimit = 4096;
    private readonly Dictionary<string, string> labels = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, int?), Period?> periods = [];
    private readonly Dictionary<(string, string), (bool Ok, decimal Factor, string? Error)> conversions = [];
    private readonly Dictionary<string, string?> areaCodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> wholeCounts = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<ValueField> valueFields = mapping.ValueFields;

    /// <summary>The one result of a mapping with one value per record; use <see cref="MapAll"/> for several.</summary>
    public (Observation? Observation, Rejection? Rejection) Map(RawRecord record) =>
        valueFields.Count == 1 ? MapAll(record)[0] : throw new InvalidOperationException("this mapping gives several values per record: use MapAll");

    /// <summary>One result per value of the record; a skipped record or one its decoder rejected gives one result.</summary>
    public IReadOnlyList<(Observation? Observation, Rejection? Rejection)> MapAll(RawRecord record)
    {
        foreach (var rule in mapping.Skip)
        {
            if (rule.Holds(record.Fields))
            {
                return [(null, new Rejection($"{record.Origin} {record.Position}", "skip", null, $"skipped by mapping.skip '{rule}'", RejectKind.Skipped))];
            }
        }

        if (record.Problem is { } problem)
        {
            // The decoder refused the record (another region), but its key is readable: fill it, as for any reject.
            var known = default(RecordKey);
            MapValue(record, valueFields[0], ref known);
            return [(null, new Rejection(record.Where(problem.Field), problem.Field, record.Get(problem.Field), problem.Reason)
                { IndicatorCode = known.Indicator, AreaCode = known.Area, Period = known.Period })];
        }

        var results = new (Observation?, Rejection?)[valueFields.Count];
        for (var i = 0; i < results.Length; i++)
        {
            var key = default(RecordKey);
            var (observation, rejection) = MapValue(record, valueFields[i], ref key);
            results[i] = (observation, rejection is null ? null : rejection with { IndicatorCode = key.Indicator, AreaCode = key.Area, Period = key.Period });
        }

        return results;
    }

    /// <summary>What of the record's key was resolved before it was rejected.</summary>
    private struct RecordKey
    {
        public string? Indicator;
        public string? Area;
        public Period? Period;
    }

    private (Observation?, Rejection?) MapValue(RawRecord record, ValueField field, ref RecordKey key)
    {
        var indicatorMap = field.Indicator is { } fixedCode ? FieldMap.Constant(fixedCode) : mapping.Indicator!;
        if (!Resolve(record, indicatorMap, "indicator", out var indicatorText, out var rejection))
        {
            return (null, rejection);
        }

        if (catalogue.Find(indicatorText!) is not { } indicator)
        {
            return (null, Reject(record, indicatorMap, "indicator", $"no indicator code for '{indicatorText}'; add it to mapping.indicator.codes"));
        }

        key.Indicator = indicator.Code;
        if (!ResolveArea(record, out var area, out rejection))
        {
            return (null, rejection);
        }

        key.Area = area;
        if (!ResolvePeriod(record, out var period, out rejection))
        {
            return (null, rejection);
        }

        key.Period = period;

        var settings = SettingsFor(record, field, indicator.Code);
        if (PeriodTypeProblem(record, indicatorMap, indicator, settings, ref period) is { } periodProblem)
        {
            return (null, Reject(record, mapping.Period, "period", periodProblem));
        }

        key.Period = period;
        var valueText = field.Value.Const ?? record.Get(field.Value.From!);
        var reading = ValueParser.Read(valueText);
        var valueWhere = Where(record, field.Value);
        if (reading.MissingKind is { } missing)
        {
            return (null, new Rejection(valueWhere, "value", valueText, $"{indicator.Code} {period.Id}: {reading.Problem}", missing));
        }

        if (!reading.IsNumber)
        {
            return (null, new Rejection(valueWhere, "value", valueText, reading.Problem!));
        }

        var table = record.Table;
        var status = mapping.Status is null && table is not null ? table.StatusFor(field.Value.From, period) : ObservationStatus.Normal;
        if (mapping.Status is not null)
        {
            var statusText = mapping.Status.Const ?? record.Get(mapping.Status.From!);
            if (ObservationStatusText.Parse(statusText) is not { } parsed)
            {
                return (null, new Rejection(Where(record, mapping.Status), "status", statusText, $"unknown status '{statusText}' (快报, 预计, 公报, provisional, estimated)"));
            }

            status = parsed;
        }

        if (UnitOf(record, field, settings, out var unit) is { } unitConflict)
        {
            return (null, new Rejection(valueWhere, "unit", unit, $"{indicator.Code}: {unitConflict}"));
        }

        // The mapping says the unit is in a field: when that field is blank and nothing else states the unit,
        // the catalogue's unit would be a guess (5860000 with no 单位 is not 5,860,000 亿元). A ratio (PUE) has no unit to state.
        if (unit is null && !reading.HasPercentSign && mapping.Unit?.From is { } blankUnitField && Units.DimensionOf(indicator.Unit) != UnitDimension.Ratio)
        {
            var blank = record.Fields.ContainsKey(blankUnitField) ? $"field '{blankUnitField}' is blank" : $"the record has no field '{blankUnitField}'";
            return (null, new Rejection(record.Where(blankUnitField), "unit", record.Get(blankUnitField),
                $"{indicator.Code} {period.Id}: {blank} and nothing else states the unit of '{valueText}' (no unit in the mapping, the column header or a 单位 row); "
                + $"it is not taken to be the catalogue's '{indicator.Unit}'"));
        }

        var value = reading.Value!.Value;
        if (reading.HasPercentSign)
        {
            if (unit is not null && Units.DimensionOf(unit) != UnitDimension.Percent)
            {
                return (null, new Rejection(valueWhere, "value", valueText, $"value has a % sign but the unit is '{unit}'"));
            }

            unit = "%";
        }
        else if ((settings.PercentAsFraction ?? mapping.PercentAsFraction) && indicator.Unit == "%")
        {
            // A fraction is at most 1 in size; 76.0 under percentAsFraction would be stored as 7600 %.
            if (Math.Abs(value) > 1m)
            {
                return (null, new Rejection(valueWhere, "value", valueText,
                    $"{indicator.Code} {period.Id}: '{valueText}' is not a fraction, but percentAsFraction is set for it (it would be {Units.Trim(value * 100m)} %); "
                    + FractionHint(record, field, indicator.Code)));
            }

            value *= 100m;
        }

        if (unit is not null && !TryConvert(ref value, unit, indicator.Unit, out var unitError))
        {
            var unitWhere = mapping.Unit?.From is { } unitField ? record.Where(unitField) : valueWhere;
            return (null, new Rejection(unitWhere, "unit", unit, $"{indicator.Code}: {unitError}"));
        }

        // 3120.5 base stations is a wrong number (a misplaced column, a rate in the count's place), never a count.
        if (value != decimal.Truncate(value) && CountsWholeThings(indicator))
        {
            return (null, new Rejection(valueWhere, "value", valueText,
                $"{indicator.Code} {period.Id}: {value} {indicator.Unit} is not a whole number, and {indicator.Code} counts whole {indicator.Unit}"));
        }

        return (new Observation(indicator.Code, area!, period, value, status, valueWhere), null);
    }

    private bool CountsWholeThings(Indicator indicator)
    {
        if (!wholeCounts.TryGetValue(indicator.Code, out var whole))
        {
            whole = Units.DimensionOf(indicator.Unit) == UnitDimension.Count;
            wholeCounts[indicator.Code] = whole;
        }

        return whole;
    }

    /// <summary>A value's settings: its own (values entry, then mapping.columns), then its indicator's.</summary>
    private ValueSettings SettingsFor(RawRecord record, ValueField field, string indicatorCode) =>
        field.Settings.Over(ColumnEntry(record, field)?.Settings).Over(mapping.Indicators.GetValueOrDefault(indicatorCode));

    /// <summary>The mapping.columns entry for the value's column or field, by the name the admin wrote.</summary>
    private (string Name, ValueSettings Settings)? ColumnEntry(RawRecord record, ValueField field)
    {
        if (mapping.Columns.Count > 0 && field.Value.From is { } from)
        {
            var column = record.Table?.ColumnName(from) ?? from;
            foreach (var (name, columnSettings) in mapping.Columns)
            {
                if (name == column || (record.Table is { } table && table.Shape.IndexOf(name) is var index and >= 0 && table.Shape.Names[index] == column))
                {
                    return (name, columnSettings);
                }
            }
        }

        return null;
    }

    /// <summary>How to turn percentAsFraction off for one value, at the place that turned it on (the most specific wins).</summary>
    private string FractionHint(RawRecord record, ValueField field, string indicatorCode)
    {
        var column = (field.Value.From is { } from ? record.Table?.ColumnName(from) : null) ?? field.Value.ToString();
        var hint = $"if '{column}' writes percentages as 76.0, ";
        if (field.Settings.PercentAsFraction is not null)
        {
            return hint + $"remove percentAsFraction: true from its mapping.values entry (from: {field.Value}), which sets it";
        }

        if (ColumnEntry(record, field) is { Settings.PercentAsFraction: not null } entry)
        {
            return hint + $"remove percentAsFraction: true from mapping.columns.{entry.Name}, which sets it";
        }

        var where = mapping.Values.Count > 0 ? $"its mapping.values entry (from: {field.Value})" : $"mapping.columns.{column}";
        return hint + (mapping.Indicators.GetValueOrDefault(indicatorCode)?.PercentAsFraction is not null
            ? $"remove percentAsFraction: true from mapping.indicators.{indicatorCode}, which sets it, or set percentAsFraction: false in {where}"
            : $"set percentAsFraction: false in {where}: the source-wide mapping.percentAsFraction sets it");
    }

    /// <summary>
    /// The value's unit, most specific first: what the mapping declares (per column, per indicator, or a constant
    /// mapping.unit), the record's unit field, the column header, then the table's "单位：" row. Declaration, unit
    /// field and header must agree when more than one speaks: otherwise the value is rejected, never guessed.
    /// </summary>
    private string? UnitOf(RawRecord record, ValueField field, ValueSettings settings, out string? unit)
    {
        var declared = settings.Unit ?? mapping.Unit?.Const;
        var stated = mapping.Unit?.From is { } unitField && record.Get(unitField) is { } text && !string.IsNullOrWhiteSpace(text) ? text.Trim() : null;
        var header = record.Table?.ColumnUnit(field.Value.From);
        unit = declared ?? stated ?? header ?? record.Table?.Shape.Unit;
        return Disagree("the mapping", declared, null, stated) ?? Disagree("the mapping", declared, "the column header", header)
            ?? Disagree(null, stated, "the column header", header);

        string? Disagree(string? first, string? a, string? second, string? b) =>
            a is null || b is null || Units.Same(a, b)
                ? null
                : $"{first ?? $"field '{mapping.Unit!.From}'"} says the unit is '{a}' but {second ?? $"field '{mapping.Unit!.From}'"} says '{b}'";
    }

    /// <summary>
    /// Applies a declared period type (a month of a 累计 column is year-to-date through that month), or refuses a
    /// period whose type is in doubt: a declared type the period contradicts, or a flow or rate whose label says
    /// 累计 given for a single month or quarter with no type declared.
    /// </summary>
    private static string? PeriodTypeProblem(RawRecord record, FieldMap indicatorMap, Indicator indicator, ValueSettings settings, ref Period period)
    {
        if (settings.PeriodType is not { } declared)
        {
            var label = indicatorMap.From is { } from ? record.Get(from) : null;
            return indicator.Kind is IndicatorKind.AnnualFlow or IndicatorKind.Percentage && period.Type is PeriodType.Month or PeriodType.Quarter
                && label is not null && label.Contains("累计", StringComparison.Ordinal)
                ? $"{indicator.Code}: the label '{label}' says 累计 but the period '{period.Id}' is a single {period.TypeName}; "
                  + $"set periodType: ytd for {indicator.Code} in mapping.indicators if the figure runs from January, or periodType: {period.TypeName} if it does not"
                : null;
        }

        if (declared == PeriodType.YearToDate && period.Type is PeriodType.Month or PeriodType.Quarter)
        {
            period = Period.YearToDate(period.Year, period.Type == PeriodType.Month ? period.Index : period.Index * 3);
            return null;
        }

        return period.Type == declared || (declared == PeriodType.YearToDate && period.Type == PeriodType.Year)
            ? null
            : $"{indicator.Code}: the period '{period.Id}' is a {period.TypeName} but the mapping says periodType {Period.NameOf(declared)}";
    }

    private bool ResolveArea(RawRecord record, out string? area, out Rejection? rejection)
    {
        if (!Resolve(record, mapping.Area, "area", out area, out rejection))
        {
            return false;
        }

        if (!areaCodes.TryGetValue(area!, out var code))
        {
            code = WholeNumbers.Normalise(area!) is var normalised && AreaCode().IsMatch(normalised) ? normalised : null;
            Remember(areaCodes, area!, code);
        }

        if (code is null)
        {
            rejection = Reject(record, mapping.Area, "area", $"'{area}' is a name, not an area code (such as 320506); list it in mapping.area.codes");
            return false;
        }

        area = code;
        return true;
    }

    private bool ResolvePeriod(RawRecord record, out Period period, out Rejection? rejection)
    {
        period = default;
        rejection = null;
        string? text;
        string? blank = null;
        if (mapping.Period.Template is { } template)
        {
            text = template.Compose(record, out var missingField, out blank);
            if (text is null)
            {
                rejection = Reject(record, mapping.Period, "period", $"the record has no field '{missingField}'");
                return false;
            }
        }
        else if (!Resolve(record, mapping.Period, "period", out text, out rejection))
        {
            return false;
        }

        // A table's title year completes periods written without one (1-9月 in a 2023 report).
        var year = contextYear ?? record.Table?.Shape.Period?.Year;
        if (blank is null && ParsePeriod(text!, year) is { } parsed)
        {
            period = parsed;
            return true;
        }

        var needsYear = year is null && !PeriodParser.TryParse(text, out _) && PeriodParser.TryParse(text, out _, contextYear: 2000);
        rejection = new Rejection(Where(record, mapping.Period), "period", text,
            blank is null ? PeriodParser.Problem(text!, year)
            : needsYear ? $"no year: field '{blank}' is blank, and '{text}' does not say its year"
            : $"field '{blank}' is blank, so the period '{text}' is incomplete");
        return false;
    }

    private static string Where(RawRecord record, FieldMap map) =>
        (map.From ?? map.Template?.Fields.FirstOrDefault()) is { } from ? record.Where(from) : $"{record.Origin} {record.Position}";

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

    /// <summary>
    /// A field's text, through its codes. An unlisted value is rejected, skipped or passed on as written, as
    /// <see cref="FieldMap.Unlisted"/> says; by default indicators pass (a catalogue code may be written as is)
    /// and every other list is closed.
    /// </summary>
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
            if (codes.TryGetValue(label, out var code) || codes.TryGetValue(WholeNumbers.Normalise(label), out code))
            {
                value = code;
            }
            else
            {
                switch (map.Unlisted ?? (field == "indicator" ? Unlisted.Pass : Unlisted.Reject))
                {
                    case Unlisted.Skip when field != "indicator" || catalogue.Find(value.Trim()) is null:
                        rejection = Reject(record, map, field, $"'{value}' is not listed in mapping.{field}.codes (unlisted: skip)") with { Kind = RejectKind.Skipped };
                        return false;
                    case Unlisted.Reject:
                        rejection = Reject(record, map, field, $"'{value}' is not listed in mapping.{field}.codes; the list is closed (set unlisted: pass or skip to change that)");
                        return false;
                }
            }
        }

        value = value.Trim();
        return true;
    }

    private static Rejection Reject(RawRecord record, FieldMap map, string field, string reason) =>
        new(Where(record, map), field, map.From is { } from ? record.Get(from) : map.Const, reason);

    // Division codes are digits (320506, 320506101); tests and other systems use short ASCII codes. A name is never a code.
    [GeneratedRegex("^[0-9A-Za-z_.-]{1,32}$")]
    private static partial Regex AreaCode();
}
