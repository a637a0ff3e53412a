namespace Granary.Grains.Platform;

/// <summary>What <see cref="ILogicalFunctionGrain.Inspect"/> answers.</summary>
[GenerateSerializer]
public sealed record LogicalFunctionDetails
{
    [Id(0)]
    public required LogicalFunctionRecord Record { get; init; }

    /// <summary>The size of the stored state in bytes; null when no state is stored.</summary>
    [Id(1)]
    public int? StateBytes { get; init; }

    /// <summary>When the state was last stored; null when it never was.</summary>
    [Id(2)]
    public DateTimeOffset? StateSavedAt { get; init; }
}
