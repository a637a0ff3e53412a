namespace Granary.Grains.Controller;

/// <summary>A workflow with each of its components, as <see cref="IControllerGrain.InspectWorkflow"/> reports it.</summary>
[GenerateSerializer]
public sealed record WorkflowDetails
{
    [Id(0)]
    public required WorkflowInfo Workflow { get; init; }

    /// <summary>Functions first, then resources, in file order.</summary>
    [Id(1)]
    public List<ComponentInfo> Components { get; init; } = [];
}
