namespace Granary.Executors.Container;

/// <summary>
/// Labels on every container a node creates for a function, so that an operator (or a test) finds Granary's
/// containers, those of one node, or the one of an instance: <c>docker ps --filter label=granary.node=NODE</c>.
/// </summary>
public static class ContainerLabels
{
    /// <summary>Always <c>true</c>: the container was created by Granary.</summary>
    public const string Managed = "granary.managed";

    /// <summary>The id of the node running the container.</summary>
    public const string Node = "granary.node";

    /// <summary>The function instance the container runs, as <c>NODE_ID/COMPONENT_ID</c>.</summary>
    public const string Instance = "granary.instance";

    /// <summary>The function's name in its workflow.</summary>
    public const string Function = "granary.function";

    /// <summary>The id of the workflow the function belongs to.</summary>
    public const string Workflow = "granary.workflow";

    /// <summary>The node process that created the container, <c>HOST/PID/START</c> (see <see cref="ContainerOwner"/>).</summary>
    public const string Owner = "granary.owner";
}
