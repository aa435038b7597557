namespace WuzhongCollector.Core.Sources;

/// <summary>
/// What a source file is checked against besides its own text: the folders its data paths may lead to, and the
/// ports this service listens on (an HTTP source may not call the service itself, except its demo endpoints
/// through <c>{self}</c>).
/// </summary>
public sealed record SourceChecks(DataRoots Roots, IReadOnlyCollection<int> ServicePorts);
