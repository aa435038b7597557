using System.Globalization;
using System.Text;
using System.Text.Json;
using WuzhongCollector.Core.Parsing;

namespace WuzhongCollector.Core.OpenData;

/// <summary>
/// The success rule of a response envelope, as an admin writes it: comparisons joined by <c>&amp;&amp;</c>,
/// e.g. <c>code == "000000" &amp;&amp; data.state == true</c> or <c>code in ["1000", "1100"]</c>. Paths are
/// dotted and follow JSON that arrives inside strings. Values compare as text, and numerically when both
/// sides are numbers, so <c>returncode == 200</c> matches <c>200</c> and <c>"200"</c> but <c>code == "000000"</c>
/// does not match <c>0</c>. The same language filters records (<c>mapping.skip</c>), whose fields are text:
/// <see cref="Holds(IReadOnlyDictionary{string, string?})"/>.
/// </summary>
public sealed class EnvelopeRule
{
    public static readonly IReadOnlyList<string> DefaultMessagePaths =
        ["message", "msg", "errmsg", "error.message", "error", "detail", "title", "returndata"];

    private readonly IReadOnlyList<Clause> clauses;

    private EnvelopeRule(string text, IReadOnlyList<Clause> clauses)
    {
        Text = text;
        this.clauses = clauses;
    }

    public string Text { get; }

    public override string ToString() => Text;

    public static EnvelopeRule Parse(string text) =>
        TryParse(text, out var rule, out var error) ? rule! : throw new FormatException(error);

    public static bool TryParse(string text, out EnvelopeRule? rule, out string? error)
    {
        rule = null;
        var parsed = new List<Clause>();
        foreach (var part in text.Split("&&"))
        {
            if (!Clause.TryParse(part.Trim(), out var clause, out error))
            {
                return false;
            }

            parsed.Add(clause!);
        }

        error = null;
        rule = new EnvelopeRule(text.Trim(), parsed);
        return true;
    }

    /// <summary>Null when the envelope passes, else what did not hold (e.g. <c>code is "401"</c>).</summary>
    public string? Check(JsonElement root, string origin)
    {
        foreach (var clause in clauses)
        {
            var actual = JsonRecordReader.Select(root, clause.Path, origin);
            if (!clause.Holds(actual))
            {
                return actual is { } found ? $"{clause.Path} is {Describe(found)}" : $"{clause.Path} is missing";
            }
        }

        return null;
    }

    /// <summary>
    /// Whether every comparison holds for a record's fields: a quoted value matches the text exactly, a number
    /// matches numerically (<c>1</c> matches "1" and "1.0"), <c>null</c> matches an absent or blank field.
    /// </summary>
    public bool Holds(IReadOnlyDictionary<string, string?> fields) =>
        clauses.All(c => c.HoldsText(fields.TryGetValue(c.Path, out var value) ? value : null));

    /// <summary>The first message the envelope carries at one of <paramref name="paths"/>.</summary>
    public static string? Message(JsonElement root, IReadOnlyList<string> paths, string origin)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var path in paths)
        {
            if (JsonRecordReader.Select(root, path, origin) is { } found
                && found.ValueKind is JsonValueKind.String or JsonValueKind.Number
                && found.ToString() is { Length: > 0 } text)
            {
                return text.Length > 500 ? text[..500] + "…" : text;
            }
        }

        return null;
    }

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => JsonSerializer.Serialize(element.GetString()),
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => element.GetRawText(),
    };

    private sealed record Literal(string Text, bool IsNumber, bool IsString)
    {
        public bool Matches(JsonElement element)
        {
            var actual = element.ValueKind switch
            {
                JsonValueKind.String => element.GetString(),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null => element.GetRawText(),
                _ => null,
            };
            if (actual is null)
            {
                return false;
            }

            if (IsNumber && !IsString && element.ValueKind is JsonValueKind.Number or JsonValueKind.String
                && decimal.TryParse(actual, NumberStyles.Float, CultureInfo.InvariantCulture, out var a)
                && decimal.TryParse(Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var b))
            {
                return a == b;
            }

            return IsString ? element.ValueKind == JsonValueKind.String && actual == Text : actual == Text;
        }

        public bool MatchesText(string? actual)
        {
            actual = actual?.Trim();
            if (string.IsNullOrEmpty(actual))
            {
                return !IsString && Text == "null";
            }

            if (IsNumber && !IsString
                && decimal.TryParse(actual, NumberStyles.Float, CultureInfo.InvariantCulture, out var a)
                && decimal.TryParse(Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var b))
            {
                return a == b;
            }

            return actual == Text;
        }
    }

    private sealed record Clause(string Path, string Operator, IReadOnlyList<Literal> Values)
    {
        public bool Holds(JsonElement? actual)
        {
            var matched = actual is { } element && Values.Any(v => v.Matches(element));
            return Operator is "!=" or "not in" ? !matched : matched;
        }

        public bool HoldsText(string? actual)
        {
            var matched = Values.Any(v => v.MatchesText(actual));
            return Operator is "!=" or "not in" ? !matched : matched;
        }

        public static bool TryParse(string text, out Clause? clause, out string? error)
        {
            clause = null;
            var op = text.Contains("==", StringComparison.Ordinal) ? "=="
                : text.Contains("!=", StringComparison.Ordinal) ? "!="
                : text.Contains(" not in ", StringComparison.Ordinal) ? "not in"
                : text.Contains(" in ", StringComparison.Ordinal) ? "in" : null;
            if (op is null)
            {
                error = $"'{text}' is not a comparison (path == value, path != value, path in [values] or path not in [values])";
                return false;
            }

            var word = op.Length > 2 ? $" {op} " : op;
            var at = text.IndexOf(word, StringComparison.Ordinal);
            var path = text[..at].Trim();
            var right = text[(at + word.Length)..].Trim();
            if (path.Length == 0 || path.Any(c => char.IsWhiteSpace(c) || c is '"' or '\''))
            {
                error = $"'{path}' is not a path (dotted names, e.g. data.state)";
                return false;
            }

            var values = new List<Literal>();
            if (op is "in" or "not in")
            {
                if (!right.StartsWith('[') || !right.EndsWith(']'))
                {
                    error = $"'{op}' needs a list such as [\"1000\", \"1100\"], not {right}";
                    return false;
                }

                right = right[1..^1];
                foreach (var item in SplitList(right))
                {
                    if (!TryLiteral(item, out var literal, out error))
                    {
                        return false;
                    }

                    values.Add(literal!);
                }
            }
            else if (TryLiteral(right, out var literal, out error))
            {
                values.Add(literal!);
            }
            else
            {
                return false;
            }

            error = null;
            clause = new Clause(path, op, values);
            return true;
        }

        private static IEnumerable<string> SplitList(string text)
        {
            var current = new StringBuilder();
            char? quote = null;
            foreach (var c in text)
            {
                if (quote is null && c == ',')
                {
                    yield return current.ToString().Trim();
                    current.Clear();
                    continue;
                }

                if (c is '"' or '\'')
                {
                    quote = quote == c ? null : quote ?? c;
                }

                current.Append(c);
            }

            if (current.ToString().Trim() is { Length: > 0 } last)
            {
                yield return last;
            }
        }

        private static bool TryLiteral(string text, out Literal? literal, out string? error)
        {
            literal = null;
            error = null;
            if (text.Length >= 2 && (text[0] is '"' or '\'') && text[^1] == text[0])
            {
                literal = new Literal(text[1..^1], decimal.TryParse(text[1..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out _), true);
                return true;
            }

            if (text is "true" or "false" or "null")
            {
                literal = new Literal(text, false, false);
                return true;
            }

            if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                literal = new Literal(text, true, false);
                return true;
            }

            error = $"'{text}' is not a value: quote text (\"000000\"), or write a number, true, false or null";
            return false;
        }
    }
}
