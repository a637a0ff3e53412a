namespace Granary.Grains.Controller;

/// <summary>
/// A domain's registration or refresh with the controller: its capabilities (the union over its nodes), the workflows
/// it runs now, and how often it refreshes (its deadline is twice that).
/// </summary>
[GenerateSerializer]
public sealed record DomainRegistration
{
    /// <summary>The domain as it is now; its <see cref="DomainSummary.Workflows"/> lets the controller redeploy what the domain lost.</summary>
    [Id(0)]
    public required DomainSummary Summary { get; init; }

    /// <summary>How often the domain refreshes; the controller gives it twice this before declaring it lost.</summary>
    [Id(1)]
    public required TimeSpan RefreshInterval { get; init; }
}
