namespace Granary.Grains.Protection;

/// <summary>
/// What a domain asks of a node's instances while the node is limited or tainted (see
/// <see cref="Platform.INodeGrain.Throttle"/>): container functions get <see cref="CpuFraction"/> of the CPU they
/// would otherwise have (a reduced CPU quota), WebAssembly and .NET instances handle at most
/// <see cref="EventsPerSecond"/> events per second (the others wait in their mailboxes, none dropped).
/// <see cref="None"/> lifts both.
/// </summary>
[GenerateSerializer]
public sealed record NodeThrottle
{
    /// <summary>No limit: what a node in the normal state runs with.</summary>
    public static NodeThrottle None { get; } = new();

    /// <summary>Share of their usual CPU that container functions keep, above 0 and at most 1; null for no limit.</summary>
    [Id(0)]
    public double? CpuFraction { get; init; }

    /// <summary>Most events (casts and calls) per second one WebAssembly or .NET instance handles; null for no limit.</summary>
    [Id(1)]
    public double? EventsPerSecond { get; init; }

    /// <summary>True when this throttle limits nothing.</summary>
    public bool IsNone => CpuFraction is null && EventsPerSecond is null;
}
