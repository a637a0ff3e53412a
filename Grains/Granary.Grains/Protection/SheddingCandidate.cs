using Granary.Grains.Identity;

namespace Granary.Grains.Protection;

/// <summary>An instance a tainted node could shed.</summary>
/// <param name="Instance">The instance.</param>
/// <param name="LogicalId">The logical function it serves.</param>
/// <param name="Component">The function's name in its workflow (orders candidates that are otherwise equal).</param>
/// <param name="Priority">The function's <c>priority</c> annotation (0 when absent).</param>
/// <param name="Replicas">How many instances the function runs in the domain now.</param>
public sealed record SheddingCandidate(InstanceId Instance, LogicalFunctionId LogicalId, string Component, int Priority, int Replicas);
