namespace Granary.Grains.Platform;

/// <summary>
/// A call to a node's grain found no active silo of that node in the cluster: the node's silo is gone (or has not
/// joined yet). The grain is never activated elsewhere; the call fails at once, without Orleans' placement retries.
/// </summary>
[GenerateSerializer]
public sealed class NodeUnavailableException : Exception
{
    public NodeUnavailableException(string nodeId, string message) : base(message) => NodeId = nodeId;

    /// <summary>The node whose silo is missing.</summary>
    [Id(0)]
    public string NodeId { get; }
}
