namespace Granary.Grains.Platform;

/// <summary>
/// A domain refused a migrate or cordon request because it cannot be carried out (unknown function or node, unmet
/// deployment requirements, a cordoned target, a node that failed to start the instance). Nothing was changed; the
/// message names the reason.
/// </summary>
[GenerateSerializer]
public sealed class DomainRequestRejectedException : Exception
{
    public DomainRequestRejectedException(string message) : base(message) { }

    public DomainRequestRejectedException(string message, Exception inner) : base(message, inner) { }
}
