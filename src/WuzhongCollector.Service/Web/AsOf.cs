using System.Globalization;
using System.Text.RegularExpressions;

namespace WuzhongCollector.Service.Web;

/// <summary>
/// The <c>asOf</c> parameter: an ISO 8601 date (<c>2024-03-01</c>, midnight UTC) or date and time, with
/// <c>Z</c>, an offset (<c>+08:00</c>, converted to UTC) or none (UTC). A <c>+</c> left unescaped in a URL
/// arrives as a space; <c>2024-03-01T08:00:00 08:00</c> can only mean <c>+08:00</c>, so it is read so.
/// Binding never fails: a bad value carries its reason, and <see cref="ApiParameters"/> answers 400 with it.
/// </summary>
// Not a record: a generated ToString would read Value, which throws for a bad value.
public readonly partial struct AsOf : IApiParameter
{
    public static readonly DateTimeOffset Earliest = new(1900, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Latest = new(2999, 12, 31, 23, 59, 59, TimeSpan.Zero);

    private static readonly string[] Formats =
    [
        "yyyy-MM-dd", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
    ];

    private readonly DateTimeOffset? value;

    private AsOf(DateTimeOffset? value, string? error)
    {
        this.value = value;
        Error = error;
    }

    /// <summary>The time in UTC, or null when the parameter was not given.</summary>
    public DateTimeOffset? Value => Error is null ? value : throw new InvalidOperationException($"asOf was not checked: {Error}");

    public string? Error { get; }

    public static bool TryParse(string? text, IFormatProvider? provider, out AsOf result)
    {
        result = Parse(text);
        return true;
    }

    public static AsOf Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return default;
        }

        var iso = SpaceForPlus().Replace(text.Trim(), "${time}+${offset}").Replace(' ', 'T');
        if (!DateTimeOffset.TryParseExact(iso, Formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            return new AsOf(null, $"'{text}' is not an ISO 8601 date or time, e.g. 2024-03-01, 2024-03-01T12:00:00Z or 2024-03-01T20:00:00%2B08:00");
        }

        return time < Earliest || time > Latest
            ? new AsOf(null, $"'{text}' is outside {Earliest:yyyy-MM-dd} to {Latest:yyyy-MM-dd}")
            : new AsOf(time, null);
    }

    /// <summary>A time followed by a space and hh:mm: the space was a '+' that the URL did not escape.</summary>
    [GeneratedRegex(@"^(?<time>\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?) (?<offset>\d{2}:\d{2})$")]
    private static partial Regex SpaceForPlus();
}
