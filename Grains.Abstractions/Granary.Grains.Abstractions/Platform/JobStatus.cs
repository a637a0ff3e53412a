using Granary.Grains.Controller;

namespace Granary.Grains.Platform;

/// <summary>Where a run-to-completion workflow stands in its domain.</summary>
/// <param name="State"><see cref="WorkflowState.Active"/> while it runs, then <see cref="WorkflowState.Completed"/> or <see cref="WorkflowState.Failed"/>.</param>
/// <param name="Outcome">Why it ended; null while it runs.</param>
[GenerateSerializer]
[Immutable]
public sealed record JobStatus([property: Id(0)] WorkflowState State, [property: Id(1)] string? Outcome);
