namespace Granary.Runtime.Directory;

/// <summary>Where one activation of a grain lives: the grain, its silo, and the activation's unique id.</summary>
public sealed record GrainAddress(GrainId GrainId, SiloAddress Silo, Guid ActivationId);
