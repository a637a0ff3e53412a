namespace Granary.Grains.Placement;

/// <summary>
/// The annotation (function) and configuration (resource) keys that constrain placement, with the EDGELESS
/// spelling. Values are strings; lists are comma-separated, items trimmed.
/// </summary>
public static class DeploymentRequirementKeys
{
    /// <summary>The node must be one of these node ids (UUIDs) or node names.</summary>
    public const string NodeIdMatchAny = "node_id_match_any";

    /// <summary>The node must carry every one of these labels (e.g. <c>hostname=foo</c>).</summary>
    public const string LabelMatchAll = "label_match_all";

    /// <summary>The node must host every one of these resource provider ids.</summary>
    public const string ResourceMatchAll = "resource_match_all";

    /// <summary><c>required</c>: the node must run inside a trusted execution environment.</summary>
    public const string Tee = "tee";

    /// <summary><c>required</c>: the node must have a TPM.</summary>
    public const string Tpm = "tpm";

    /// <summary>A positive number of instances to run (default 1); EDGELESS ignores it, Granary enforces it.</summary>
    public const string MaxInstances = "max_instances";

    /// <summary>The value of <see cref="Tee"/> or <see cref="Tpm"/> that turns the requirement on.</summary>
    public const string Required = "required";
}
