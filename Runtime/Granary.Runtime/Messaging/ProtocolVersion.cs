namespace Granary.Runtime.Messaging;

/// <summary>
/// Message format versions. Peers exchange their range at handshake and then write the highest version both read,
/// so silos one version apart interoperate during a rolling upgrade.
/// </summary>
internal static class ProtocolVersion
{
    public const byte Min = 1;
    public const byte Max = 1;

    public static bool CanRead(byte version) => version is >= Min and <= Max;

    /// <summary>The version to write to a peer reading <paramref name="peerMin"/>..<paramref name="peerMax"/>, or null if none fits.</summary>
    public static byte? Negotiate(byte peerMin, byte peerMax)
    {
        var v = Math.Min(Max, peerMax);
        return v >= Math.Max(Min, peerMin) ? (byte)v : null;
    }
}
