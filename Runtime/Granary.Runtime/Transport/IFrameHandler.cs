using Granary.Serialization;

namespace Granary.Runtime.Transport;

/// <summary>Receives the frames of established connections, on the connection's read loop.</summary>
internal interface IFrameHandler
{
    /// <summary>Handles one frame. Must not block: decode and hand work off.</summary>
    void OnFrame(Connection connection, GrainReader frame);

    /// <summary>The connection closed (by either side or by an error).</summary>
    void OnClosed(Connection connection, Exception? reason);
}
