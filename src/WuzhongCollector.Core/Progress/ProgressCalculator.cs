using WuzhongCollector.Core.Catalogue;
using WuzhongCollector.Core.Monitoring;
using WuzhongCollector.Core.Normalisation;

namespace WuzhongCollector.Core.Progress;

/// <summary>
/// Judges each target of an indicator from its current figures. Pure: the same figures and settings always
/// give the same answer, whatever the clock says. The rule, in order:
/// <list type="number">
/// <item>no figure: no data;</item>
/// <item>the judged figure (the latest up to the end of the target year) meets the target: met;</item>
/// <item>no figure after the base year: no data;</item>
/// <item>the judged figure is for the end of the target year (or later) and misses: off track;</item>
/// <item>else the projection to the target year: projected progress of at least OnTrackFrom is on track, of at
/// least AtRiskFrom at risk, below that off track;</item>
/// <item>with no projection (a single figure), the same thresholds apply to pace: progress divided by the share
/// of the plan period elapsed at the figure's date.</item>
/// </list>
/// </summary>
public static class ProgressCalculator
{
    /// <summary>
    /// Judges every target of <paramref name="indicator"/>. <paramref name="series"/> holds the indicator's current
    /// figures; for a derived indicator, the figures of the indicator it derives from. <paramref name="settings"/>
    /// gives the base year and the thresholds.
    /// </summary>
    public static IndicatorProgress Evaluate(Indicator indicator, IReadOnlyList<SeriesValue> series, MonitoringSettings settings)
    {
        var source = series.Where(v => v.Period.Type == PeriodType.Year).OrderBy(v => v.Month).ToList();
        var figures = indicator.Kind switch
        {
            IndicatorKind.Derived => DerivedSeries.Cagr(source, settings.BaseYear),
            IndicatorKind.AnnualFlow => source,
            _ => Levels(series),
        };
        var judge = new Judge(indicator, figures, source, settings);
        return new IndicatorProgress(indicator, figures, indicator.Targets.Select(judge.Evaluate).ToList());
    }

    /// <summary>A level has one value per date: where a year, a quarter and a month end together, the annual figure wins.</summary>
    private static List<SeriesValue> Levels(IReadOnlyList<SeriesValue> series) => series
        .GroupBy(v => v.Month)
        .Select(g => g.OrderBy(v => v.Period.Type).First())
        .OrderBy(v => v.Month)
        .ToList();

    private sealed class Judge(Indicator indicator, IReadOnlyList<SeriesValue> figures, IReadOnlyList<SeriesValue> source, MonitoringSettings settings)
    {
        private readonly int baseEnd = SeriesValue.YearEnd(settings.BaseYear);

        public TargetProgress Evaluate(Target target)
        {
            var targetText = $"{target.Comparator.ToSymbol()} {Numbers.Text(target.Value)} by {target.Year}";
            if (figures.Count == 0)
            {
                var why = indicator.Kind == IndicatorKind.Derived ? $"no {settings.BaseYear} and later annual figure of {indicator.DerivedFrom}" : "no figure yet";
                return new TargetProgress(target, ProgressStatus.NoData, null, null, null, null, null, null, why);
            }

            var targetEnd = SeriesValue.YearEnd(target.Year);
            var latest = figures.LastOrDefault(f => f.Month <= targetEnd) ?? figures[^1];
            var baseline = Baseline(target);
            var progress = Progress(target, baseline, latest.Value);
            var seen = $"{latest.Period} figure {Numbers.Text(latest.Value)}";
            if (target.Comparator.IsMet(latest.Value, target.Value))
            {
                return new TargetProgress(target, ProgressStatus.Met, latest, baseline, progress, null, null, null, $"the {seen} meets {targetText}");
            }

            if (latest.Month <= baseEnd)
            {
                return new TargetProgress(target, ProgressStatus.NoData, latest, baseline, progress, null, null, null,
                    $"no figure since the plan started (latest: {latest.Period})");
            }

            var (change, growth) = Needed(target, latest);
            if (latest.Month >= targetEnd)
            {
                return new TargetProgress(target, ProgressStatus.OffTrack, latest, baseline, progress, null, null, null, $"the {seen} misses {targetText}");
            }

            var projection = Project(target, baseline, latest);
            if (projection is not null)
            {
                var status = Classify(projection.Progress);
                var reason = $"{projection.Method} projection {Numbers.Text(projection.Value)} for {target.Year} covers {Numbers.Percent(projection.Progress)} of the way to {targetText}";
                return new TargetProgress(target, status, latest, baseline, progress, projection, change, growth, reason);
            }

            var elapsed = (decimal)(latest.Month - baseEnd) / (targetEnd - baseEnd);
            var pace = Numbers.Round4(progress / elapsed);
            return new TargetProgress(target, Classify(pace), latest, baseline, progress, null, change, growth,
                $"one figure, no trend: {Numbers.Percent(progress)} of the way after {Numbers.Percent(elapsed)} of the time (pace {Numbers.Text(pace)})");
        }

        private ProgressStatus Classify(decimal share) =>
            share >= settings.OnTrackFrom ? ProgressStatus.OnTrack : share >= settings.AtRiskFrom ? ProgressStatus.AtRisk : ProgressStatus.OffTrack;

        private decimal Baseline(Target target)
        {
            if (indicator.Kind is IndicatorKind.Cumulative or IndicatorKind.Derived)
            {
                return 0;
            }

            var atBase = figures.FirstOrDefault(f => f.Month == baseEnd)?.Value;
            return atBase ?? (target.Comparator == Comparator.AtMost ? figures[0].Value : 0);
        }

        /// <summary>Share of the way from baseline to target; for "at most" targets the way goes down.</summary>
        private static decimal Progress(Target target, decimal baseline, decimal value)
        {
            var distance = target.Value - baseline;
            var towards = target.Comparator == Comparator.AtMost ? distance < 0 : distance > 0;
            if (!towards)
            {
                // The baseline already stood past the target: only met or not is meaningful.
                return target.Comparator.IsMet(value, target.Value) ? 1 : 0;
            }

            return Numbers.Round4((value - baseline) / distance);
        }

        private Projection? Project(Target target, decimal baseline, SeriesValue latest)
        {
            var years = Enumerable.Range(latest.Period.End.Year + 1, Math.Max(0, target.Year - latest.Period.End.Year)).ToList();
            if (latest.Month < SeriesValue.YearEnd(latest.Period.End.Year))
            {
                years.Insert(0, latest.Period.End.Year);
            }

            (string Method, Func<int, decimal> AtYear)? model = indicator.Kind switch
            {
                IndicatorKind.AnnualFlow => Trends.Compound(InPlan(source, latest)) is { } f ? ("compound", f) : null,
                IndicatorKind.Derived => DerivedModel(latest),
                _ => LinearModel(latest) is { } l ? ("linear", l) : null,
            };
            if (model is null)
            {
                return null;
            }

            var path = new List<ProjectedPoint> { new(latest.Period.End, latest.Value) };
            path.AddRange(years.Select(y => new ProjectedPoint(new DateOnly(y, 12, 31), Numbers.Round4(model.Value.AtYear(y)))));
            var value = path[^1].Value;
            return new Projection(model.Value.Method, value, Progress(target, baseline, value), path);
        }

        private Func<int, decimal>? LinearModel(SeriesValue latest)
        {
            var points = InPlan(figures, latest);
            if (indicator.Kind == IndicatorKind.Cumulative && (points.Count == 0 || points[0].Month != baseEnd))
            {
                // Counted since the plan started: zero at the end of the base year, whether reported or not.
                points.Insert(0, new SeriesValue(Period.OfYear(settings.BaseYear), 0));
            }

            var line = Trends.Linear(points);
            if (line is null)
            {
                return null;
            }

            var percent = indicator.Unit == "%";
            return year =>
            {
                var value = line(SeriesValue.YearEnd(year));
                return percent ? Math.Clamp(value, 0, 100) : value;
            };
        }

        private (string, Func<int, decimal>)? DerivedModel(SeriesValue latest)
        {
            var baseValue = source.First(v => v.Period.Year == settings.BaseYear).Value;
            var grow = Trends.Compound(InPlan(source, latest));
            return grow is null ? null : ("derived-cagr", year => DerivedSeries.Rate(baseValue, grow(year), year - settings.BaseYear));
        }

        /// <summary>Figures from the base year up to the judged one: the plan period's own trend.</summary>
        private List<SeriesValue> InPlan(IReadOnlyList<SeriesValue> values, SeriesValue latest) =>
            values.Where(v => v.Month >= baseEnd && v.Month <= latest.Month).ToList();

        private (decimal? Change, decimal? GrowthPercent) Needed(Target target, SeriesValue latest)
        {
            var years = (SeriesValue.YearEnd(target.Year) - latest.Month) / 12m;
            if (years <= 0)
            {
                return (null, null);
            }

            if (indicator.Kind == IndicatorKind.Derived)
            {
                var baseValue = source.First(v => v.Period.Year == settings.BaseYear).Value;
                var current = source.First(v => v.Period.Year == latest.Period.Year).Value;
                var required = (double)baseValue * Math.Pow(1 + ((double)target.Value / 100), target.Year - settings.BaseYear);
                return (null, Numbers.Round2((Math.Pow(required / (double)current, 1 / (double)years) - 1) * 100));
            }

            var change = Numbers.Round4((target.Value - latest.Value) / years);
            decimal? growth = latest.Value > 0 && target.Value > 0
                ? Numbers.Round2((Math.Pow((double)(target.Value / latest.Value), 1 / (double)years) - 1) * 100)
                : null;
            return (change, growth);
        }
    }
}
