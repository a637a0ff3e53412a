namespace Granary.Runtime.Membership;

/// <summary>The lifecycle of a silo in the membership table.</summary>
public enum SiloStatus
{
    None = 0,
    Joining = 1,
    Active = 2,
    ShuttingDown = 3,
    Dead = 4,
}
