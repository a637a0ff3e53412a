namespace Granary.Grains.Functions;

/// <summary>How a function answered a call (the EDGELESS ABI codes: 0 no reply, 1 reply, 2 error).</summary>
public enum CallResultKind
{
    NoReply = 0,
    Reply = 1,
    Error = 2,
}
