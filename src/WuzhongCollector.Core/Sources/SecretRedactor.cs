using System.Collections;
using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace WuzhongCollector.Core.Sources;

/// <summary>
/// Takes every configured secret's value out of text the service stores or shows (run errors, steps, rejects,
/// logs, Hangfire's failure details), for when an upstream echoes a token back in its error message or data.
/// Each value is replaced by its reference, <c>{secret:NAME}</c>, in the forms an echo takes: as sent, URL-encoded,
/// JSON- and HTML-escaped. Values shorter than <see cref="MinLength"/> are not replaced: they would turn up by
/// chance in ordinary text ("HTTP 401") and are no secret worth the name.
/// </summary>
public sealed class SecretRedactor
{
    public const int MinLength = 4;

    private readonly (string Form, string Reference)[] forms;

    public SecretRedactor(IEnumerable<KeyValuePair<string, string>> secrets)
    {
        forms = secrets
            .Where(s => s.Value.Length >= MinLength)
            .SelectMany(s => Forms(s.Value).Select(form => (form, Reference: $"{{secret:{s.Key}}}")))
            .DistinctBy(f => f.form, StringComparer.Ordinal)
            // Longest first, so a secret that contains another is replaced whole.
            .OrderByDescending(f => f.form.Length)
            .ToArray();
    }

    /// <summary>Every <c>WUZHONG_SECRET_*</c> variable of <paramref name="environment"/> (the process's when null), read now.</summary>
    public static SecretRedactor FromEnvironment(IDictionary? environment = null) =>
        new((environment ?? Environment.GetEnvironmentVariables()).Cast<DictionaryEntry>()
            .Where(e => e.Key is string key && key.StartsWith(SecretReferences.EnvironmentPrefix, StringComparison.Ordinal) && e.Value is string)
            .Select(e => KeyValuePair.Create(((string)e.Key)[SecretReferences.EnvironmentPrefix.Length..], (string)e.Value!)));

    public string Redact(string text)
    {
        foreach (var (form, reference) in forms)
        {
            if (text.Contains(form, StringComparison.Ordinal))
            {
                text = text.Replace(form, reference, StringComparison.Ordinal);
            }
        }

        return text;
    }

    public string? RedactOrNull(string? text) => text is null ? null : Redact(text);

    private static IEnumerable<string> Forms(string value) =>
    [
        value,
        Uri.EscapeDataString(value),
        WebUtility.UrlEncode(value),
        JsonEncodedText.Encode(value).ToString(),
        JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString(),
        WebUtility.HtmlEncode(value),
    ];
}
