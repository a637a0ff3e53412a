using Granary.Grains.Nodes;

namespace Granary.Grains.Events;

/// <summary>
/// A node registered with a domain for the first time or after a restart (a new nonce); refreshes of a known
/// registration do not raise it.
/// </summary>
/// <param name="NodeId">The node.</param>
/// <param name="DomainId">The orchestration domain it joined.</param>
/// <param name="Capabilities">What it offers.</param>
/// <param name="Timestamp">When the registration was accepted.</param>
[GenerateSerializer]
public sealed record NodeRegistered(
    [property: Id(1)] Guid NodeId,
    [property: Id(2)] string DomainId,
    [property: Id(3)] NodeCapabilities Capabilities,
    DateTimeOffset Timestamp) : PlatformEvent(Timestamp);
