using System.Globalization;
using System.Text.RegularExpressions;
using WuzhongCollector.Core.Normalisation;

namespace WuzhongCollector.Core.Tables;

/// <summary>
/// What a table's title and notes say about the status of its figures: "注：2023年数据为快报" covers the
/// values of 2023, "带*号的为预计数" covers the cells marked *, "（快报）" in the title or a note without a
/// year covers the whole table. Only 快报/初步 (provisional), 预计/预估 (estimated) and 公报/正式 (final)
/// are read; other notes (口径, 资料来源) set nothing.
/// </summary>
public sealed partial class StatusNotes
{
    /// <summary>Marks tables put after a figure to point at a note.</summary>
    public static readonly char[] Marks = ['*', '※', '△', '▲', '★', '☆'];

    private readonly List<(int Year, ObservationStatus Status)> byYear = [];
    private readonly Dictionary<char, ObservationStatus> byMark = [];

    public ObservationStatus? Table { get; private set; }

    public bool HasMarks => byMark.Count > 0;

    public static StatusNotes Parse(IEnumerable<string> notes)
    {
        var result = new StatusNotes();
        foreach (var note in notes)
        {
            result.Add(note);
        }

        return result;
    }

    public void Add(string note)
    {
        foreach (var clause in Clauses().Split(ChineseText.ToHalfWidth(note)))
        {
            if (StatusWord(clause) is not { } status)
            {
                continue;
            }

            var mark = clause.IndexOfAny(Marks);
            if (mark >= 0)
            {
                byMark.TryAdd(clause[mark], status);
                continue;
            }

            var years = Years().Matches(clause).Select(m => int.Parse(m.Value, CultureInfo.InvariantCulture)).ToList();
            if (years.Count == 0)
            {
                Table ??= status;
            }

            foreach (var year in years)
            {
                byYear.Add((year, status));
            }
        }
    }

    public ObservationStatus? ForMark(char mark) => byMark.TryGetValue(mark, out var status) ? status : null;

    /// <summary>The status the notes give a value of <paramref name="period"/>: a note naming its year, else one for the whole table.</summary>
    public ObservationStatus? For(Period period)
    {
        foreach (var (year, status) in byYear)
        {
            if (year == period.Year)
            {
                return status;
            }
        }

        return Table;
    }

    /// <summary>Only the words that say how final a figure is; "口径" notes explain scope and set no status.</summary>
    public static ObservationStatus? StatusWord(string text)
    {
        if (text.Contains("快报", StringComparison.Ordinal) || text.Contains("初步", StringComparison.Ordinal) || text.Contains("初核", StringComparison.Ordinal))
        {
            return ObservationStatus.Provisional;
        }

        if (text.Contains("预计", StringComparison.Ordinal) || text.Contains("预估", StringComparison.Ordinal) || text.Contains("估计", StringComparison.Ordinal))
        {
            return ObservationStatus.Estimated;
        }

        return text.Contains("公报", StringComparison.Ordinal) || text.Contains("正式", StringComparison.Ordinal) || text.Contains("终核", StringComparison.Ordinal)
            ? ObservationStatus.Normal
            : null;
    }

    [GeneratedRegex(@"[;；。,，]|\s+\d[.、]")]
    private static partial Regex Clauses();

    [GeneratedRegex(@"(?<!\d)(?:19|20)\d{2}(?!\d)")]
    private static partial Regex Years();
}
