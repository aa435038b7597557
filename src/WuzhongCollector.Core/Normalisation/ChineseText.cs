using System.Text;

namespace WuzhongCollector.Core.Normalisation;

/// <summary>Text conventions of Chinese statistical tables: full-width forms, odd spaces and dashes.</summary>
public static class ChineseText
{
    /// <summary>Folds full-width ASCII (０-９, （）, ：, ．) and ideographic/non-breaking spaces to plain ASCII.</summary>
    public static string ToHalfWidth(string text)
    {
        StringBuilder? sb = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var mapped = c switch
            {
                >= '\uFF01' and <= '\uFF5E' => (char)(c - 0xFEE0),
                '\u3000' or '\u00A0' or '\u2002' or '\u2003' or '\u2009' or '\u202F' => ' ',
                _ => c,
            };
            if (mapped != c)
            {
                sb ??= new StringBuilder(text, 0, i, text.Length);
            }

            sb?.Append(mapped);
        }

        return sb?.ToString() ?? text;
    }

    /// <summary>Half-width, trimmed, and with inner runs of whitespace removed ("2021 年" → "2021年").</summary>
    public static string Compact(string text)
    {
        var half = ToHalfWidth(text);
        var sb = new StringBuilder(half.Length);
        foreach (var c in half)
        {
            if (!char.IsWhiteSpace(c))
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}
