namespace Granary.Grains.Controller;

/// <summary>The controller's persisted state: every workflow it is responsible for, active or orphaned.</summary>
[GenerateSerializer]
public sealed class ControllerState
{
    [Id(0)]
    public Dictionary<string, WorkflowRecord> Workflows { get; set; } = new(StringComparer.Ordinal);
}
