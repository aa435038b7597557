using WuzhongCollector.Core.Parsing;
using WuzhongCollector.Core.Sources;

namespace WuzhongCollector.Service.Collection.Connectors;

/// <summary>Fetches and reads one kind of source. One implementation per <see cref="SourceKind"/>.</summary>
public interface ISourceConnector
{
    SourceKind Kind { get; }

    Task<FetchedPayload> FetchAsync(SourceDefinition source, RunLog log, CancellationToken cancellationToken);

    /// <summary>Streams the payload's records; throws <see cref="InvalidDataException"/> when it cannot be read.</summary>
    IEnumerable<RawRecord> Read(SourceDefinition source, FetchedPayload payload, CancellationToken cancellationToken);

    /// <summary>
    /// Called once the run's outcome is known: after its commit (<paramref name="error"/> null), or after a
    /// permanent failure. A drop folder files the payload away; other connectors have nothing to do. Never throws.
    /// </summary>
    Task SettleAsync(SourceDefinition source, FetchedPayload payload, string? error, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Whether the records carry a fixed header, kept for the column-drift check; not for JSON.</summary>
    bool HasHeader => false;
}
