namespace Granary.Grains.Platform;

/// <summary>
/// No active silo has the role a grain needs (a controller grain and no controller silo, a domain grain and no
/// orchestrator silo). The call fails at once, without Orleans' placement retries; a caller such as a domain
/// registering with the controller tries again at its next interval.
/// </summary>
[GenerateSerializer]
public sealed class RoleUnavailableException : Exception
{
    public RoleUnavailableException(string role, string message) : base(message) => Role = role;

    /// <summary>The role no active silo has: controller or orchestrator.</summary>
    [Id(0)]
    public string Role { get; }
}
