namespace Granary.Grains.Proxy;

/// <summary>An active instance in an <c>instance:LID</c> entry: the node it runs on and its physical id.</summary>
public sealed record ProxyInstanceEntry(string NodeId, string FunctionId);
