using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace WuzhongCollector.Service.Caching;

/// <summary>The read API's answer cache, section <c>AnswerCache</c>.</summary>
public sealed class AnswerCacheOptions
{
    public const string SectionName = "AnswerCache";

    /// <summary>Keep answers in memory until stored figures change. When off, every answer is read from the database. <value>The default is true.</value></summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Memory for kept answers, in MiB; the least recently used go first. One answer may take at most a sixteenth
    /// of it: larger ones are streamed and not kept. <value>The default is 64.</value>
    /// </summary>
    [Range(1, 4096)]
    public int SizeLimitMegabytes { get; set; } = 64;

    /// <summary>
    /// How often an idle notification connection is checked with a query, so a silently dropped one is noticed.
    /// <value>The default is 5 seconds.</value>
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan ListenerCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    public long SizeLimitBytes => SizeLimitMegabytes * 1024L * 1024L;
}

[OptionsValidator]
public sealed partial class AnswerCacheOptionsValidator : IValidateOptions<AnswerCacheOptions>;
