namespace Granary.Grains.Controller;

/// <summary>
/// What the controller persists: the index of the cluster's workflows, each with its last known line (the
/// <see cref="WorkflowGrain"/> of each holds the rest).
/// </summary>
[GenerateSerializer]
public sealed class ControllerState
{
    [Id(1)]
    public Dictionary<string, WorkflowInfo> Workflows { get; set; } = new(StringComparer.Ordinal);
}
