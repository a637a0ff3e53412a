namespace Granary.Grains.Domains.Scheduling;

/// <summary>The node a <see cref="PlacementScheduler"/> chose, or why it chose none.</summary>
/// <param name="Chosen">The chosen candidate; null when none had room.</param>
/// <param name="Reason">When none was chosen: each candidate and the room it lacks.</param>
public sealed record PlacementDecision(PlacementCandidate? Chosen, string? Reason);
