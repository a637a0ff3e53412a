namespace Granary.Grains.Platform;

/// <summary>
/// One logical function or resource of a running workflow, keyed by its logical id and placed on an orchestrator
/// silo. Its domain keeps it informed (one-way, never waiting for it) of the desired and active instances and the
/// output wiring; it stores the function's state when the function's policy is <c>state_policy=global</c>, so the
/// state follows the function to whichever node runs it next.
/// </summary>
public interface ILogicalFunctionGrain : IGrainWithStringKey
{
    /// <summary>The domain's current view of the function: instances, outputs, why it is not placed.</summary>
    [OneWay]
    Task Update(LogicalFunctionRecord record);

    /// <summary>The workflow stopped: the record and the stored state are forgotten.</summary>
    [OneWay]
    Task Retire();

    /// <summary>Stores the function's state (an instance's sync); the next instance to start anywhere loads it.</summary>
    Task SaveState([Immutable] byte[] state);

    /// <summary>The state last stored; null when none was.</summary>
    [AlwaysInterleave]
    Task<byte[]?> LoadState();

    /// <summary>The record and what is stored of the state; null when no domain runs this logical id.</summary>
    [AlwaysInterleave]
    Task<LogicalFunctionDetails?> Inspect();
}
