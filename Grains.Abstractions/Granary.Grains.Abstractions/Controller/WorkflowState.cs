namespace Granary.Grains.Controller;

/// <summary>Where a workflow stands with the controller.</summary>
public enum WorkflowState
{
    /// <summary>Deployed on a domain.</summary>
    Active = 0,

    /// <summary>Its domain was lost; it is redeployed when a fitting domain registers.</summary>
    Orphan = 1,

    /// <summary>Admitted by the controller, its deployment not finished yet.</summary>
    Starting = 2,

    /// <summary>A run-to-completion workflow whose tasks all completed; its instances are stopped.</summary>
    Completed = 3,

    /// <summary>A run-to-completion workflow with a task that failed past its restart policy; its instances are stopped.</summary>
    Failed = 4,
}
