namespace Granary.Grains.Proxy;

/// <summary>
/// A logical function or resource as the proxy mirror shows it (<c>instance:LID</c>, with <c>dependency:LID</c>):
/// its workflow, name, kind, annotations (resource configurations for a resource), active instances and outputs.
/// Fields the entry does not carry are empty.
/// </summary>
public sealed record ProxyFunctionEntry
{
    public required string LogicalId { get; init; }

    public string WorkflowId { get; init; } = string.Empty;

    public string Name { get; init; } = string.Empty;

    /// <summary><c>function</c> or <c>resource</c>.</summary>
    public string Kind { get; init; } = "function";

    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<ProxyInstanceEntry> Instances { get; init; } = [];

    /// <summary>Output channel to the logical id it feeds (<c>dependency:LID</c>).</summary>
    public IReadOnlyDictionary<string, string> Dependencies { get; init; } = new Dictionary<string, string>();

    public bool IsResource => Kind == "resource";
}
