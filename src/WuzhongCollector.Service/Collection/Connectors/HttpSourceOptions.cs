using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace WuzhongCollector.Service.Collection.Connectors;

/// <summary>Limits for HTTP sources that belong to the remote host rather than to one source, section <c>Collector:Http</c>.</summary>
public sealed class HttpSourceOptions : IValidatableObject
{
    public const string SectionName = "Collector:Http";

    /// <summary>
    /// Calls per second to one host, shared by every source on it and counting every retry.
    /// <value>The default is 3, what NBS tolerates.</value>
    /// </summary>
    [Range(0.01, 1000)]
    public double RequestsPerSecondPerHost { get; set; } = 3;

    /// <summary>Per-host overrides of <see cref="RequestsPerSecondPerHost"/>, keyed by host or host:port.</summary>
    public Dictionary<string, double> HostRequestsPerSecond { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        HostRequestsPerSecond.Where(h => h.Value is < 0.01 or > 1000)
            .Select(h => new ValidationResult($"HostRequestsPerSecond for '{h.Key}' must be between 0.01 and 1000", [nameof(HostRequestsPerSecond)]));
}

[OptionsValidator]
public sealed partial class HttpSourceOptionsValidator : IValidateOptions<HttpSourceOptions>;
