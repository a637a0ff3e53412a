namespace Granary.Grains.Workflows;

/// <summary>
/// A workflow in the EDGELESS format: functions and resources wired by named output channels. Instances come from
/// <see cref="WorkflowSpecParser"/>, which guarantees unique non-empty names and resolvable mappings; write one back
/// with <see cref="WorkflowSpecWriter"/>.
/// </summary>
[GenerateSerializer]
public sealed record WorkflowSpec
{
    /// <summary>The functions (<c>functions</c>), in file order.</summary>
    [Id(0)]
    public IReadOnlyList<FunctionSpec> Functions { get; init; } = [];

    /// <summary>The resources (<c>resources</c>), in file order.</summary>
    [Id(1)]
    public IReadOnlyList<ResourceSpec> Resources { get; init; } = [];

    /// <summary>Workflow-level annotations (<c>annotations</c>), kept as written.</summary>
    [Id(2)]
    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();

    /// <summary>Every component name, functions first, in file order.</summary>
    public IEnumerable<string> ComponentNames => Functions.Select(f => f.Name).Concat(Resources.Select(r => r.Name));
}
