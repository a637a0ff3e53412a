namespace Granary.Grains.Controller;

/// <summary>
/// The controller refused a workflow: no registered domain offers every runtime and resource class it needs. The
/// message names what is missing.
/// </summary>
[GenerateSerializer]
public sealed class WorkflowRejectedException : Exception
{
    public WorkflowRejectedException(string message) : base(message) { }

    public WorkflowRejectedException(string message, Exception inner) : base(message, inner) { }
}
