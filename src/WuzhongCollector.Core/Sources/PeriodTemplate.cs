using System.Text;
using System.Text.RegularExpressions;
using WuzhongCollector.Core.Normalisation;
using WuzhongCollector.Core.Parsing;

namespace WuzhongCollector.Core.Sources;

/// <summary>
/// A period built from several fields of a record: <c>"{年份}{时期}"</c>, <c>"{年份}年{月份}月"</c>, or the list
/// form <c>[年份, 时期]</c> (the fields one after another). Each field's text is read as written, except that a
/// whole number written as a float (<c>2025.0</c>) is the whole number, and a bare year followed directly by
/// another field gets its 年 (<c>2023</c> + <c>1-6月</c> → <c>2023年1-6月</c>), so the joined text reads as one period.
/// </summary>
public sealed partial class PeriodTemplate
{
    private readonly IReadOnlyList<(string Text, bool IsField)> parts;

    private PeriodTemplate(string text, IReadOnlyList<(string Text, bool IsField)> parts)
    {
        Text = text;
        this.parts = parts;
    }

    public string Text { get; }

    public IEnumerable<string> Fields => parts.Where(p => p.IsField).Select(p => p.Text);

    public override string ToString() => Text;

    /// <summary>A scalar names a template when it holds a <c>{field}</c>.</summary>
    public static bool IsTemplate(string text) => Placeholder().IsMatch(text);

    public static PeriodTemplate Of(IEnumerable<string> fields) => Parse(string.Concat(fields.Select(f => $"{{{f}}}")));

    public static PeriodTemplate Parse(string text)
    {
        var parts = new List<(string, bool)>();
        var at = 0;
        foreach (Match m in Placeholder().Matches(text))
        {
            if (m.Index > at)
            {
                parts.Add((text[at..m.Index], false));
            }

            parts.Add((m.Groups["field"].Value.Trim(), true));
            at = m.Index + m.Length;
        }

        if (at < text.Length)
        {
            parts.Add((text[at..], false));
        }

        return new PeriodTemplate(text, parts);
    }

    /// <summary>
    /// The period text of <paramref name="record"/>, or null with the first field the record does not have.
    /// A blank field is left out and named in <paramref name="blankField"/>: the period is then incomplete.
    /// </summary>
    public string? Compose(RawRecord record, out string? missingField, out string? blankField)
    {
        missingField = null;
        blankField = null;
        var values = new string?[parts.Count];
        for (var i = 0; i < parts.Count; i++)
        {
            if (!parts[i].IsField)
            {
                continue;
            }

            if (!record.Fields.ContainsKey(parts[i].Text))
            {
                missingField = parts[i].Text;
                return null;
            }

            values[i] = record.Get(parts[i].Text) is { } raw && !string.IsNullOrWhiteSpace(raw) ? WholeNumbers.Normalise(raw) : null;
            blankField ??= values[i] is null ? parts[i].Text : null;
        }

        var text = new StringBuilder();
        for (var i = 0; i < parts.Count; i++)
        {
            var (part, isField) = parts[i];
            text.Append(isField ? values[i] : part);
            if (isField && values[i] is { } value && BareYear().IsMatch(value) && i + 1 < parts.Count && parts[i + 1].IsField && values[i + 1] is not null)
            {
                text.Append('年');
            }
        }

        return text.ToString();
    }

    [GeneratedRegex(@"\{(?<field>[^{}]+)\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex("^[0-9]{4}$")]
    private static partial Regex BareYear();
}
