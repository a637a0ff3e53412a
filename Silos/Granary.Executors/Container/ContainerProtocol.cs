namespace Granary.Executors.Container;

/// <summary>
/// Names of the container-function wire protocol (README.md in this folder describes it): the environment a
/// function container starts with, the header carrying its token to the host API, and the image label that places
/// the function's endpoints under a path.
/// </summary>
public static class ContainerProtocol
{
    /// <summary>The node's id (a UUID): the first half of the instance id.</summary>
    public const string NodeIdVariable = "GRANARY_NODE_ID";

    /// <summary>The instance's component id (a UUID): the second half of the instance id.</summary>
    public const string ComponentIdVariable = "GRANARY_COMPONENT_ID";

    /// <summary>The instance id as text, <c>NODE_ID/COMPONENT_ID</c>.</summary>
    public const string InstanceIdVariable = "GRANARY_INSTANCE_ID";

    /// <summary>The function's name in its workflow.</summary>
    public const string FunctionNameVariable = "GRANARY_FUNCTION_NAME";

    /// <summary>The id of the workflow the function belongs to.</summary>
    public const string WorkflowIdVariable = "GRANARY_WORKFLOW_ID";

    /// <summary>The loopback port the function's server must listen on (127.0.0.1, host network).</summary>
    public const string FunctionPortVariable = "GRANARY_FUNCTION_PORT";

    /// <summary>The node's host API as <c>127.0.0.1:PORT</c>.</summary>
    public const string HostApiVariable = "GRANARY_HOST_API";

    /// <summary>The instance's secret token; every host API request carries it in <see cref="TokenHeader"/>.</summary>
    public const string TokenVariable = "GRANARY_TOKEN";

    /// <summary>The request header naming the calling instance to the host API by its token.</summary>
    public const string TokenHeader = "X-Granary-Token";

    /// <summary>
    /// Image label: the path prefix of the function's endpoints (<c>/cgi-bin/function</c> makes the node send
    /// <c>POST /cgi-bin/function/cast</c>). Absent or empty: endpoints at the root (<c>POST /cast</c>).
    /// </summary>
    public const string BasePathLabel = "granary.function.base_path";
}
