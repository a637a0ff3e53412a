namespace Granary.Runtime.Persistence;

/// <summary>A persistent state the runtime loads before OnActivateAsync.</summary>
internal interface IPersistentStateLoader
{
    Task ReadStateAsync(CancellationToken cancellationToken = default);
}
