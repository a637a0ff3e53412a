using System.Globalization;
using Granary.Grains.Workflows;

namespace Granary.Grains.Placement;

/// <summary>
/// Where a function or resource may run, parsed from a function's annotations or a resource's configurations
/// (keys in <see cref="DeploymentRequirementKeys"/>), plus the implicit requirement that the node offers the
/// function's run-time or hosts a provider of the resource's class. Keys not listed are ignored (resources keep
/// their own settings in the same map).
/// </summary>
[GenerateSerializer]
public sealed record DeploymentRequirements
{
    /// <summary>Node ids (UUIDs) or names, any of which the node must be; empty means any node.</summary>
    [Id(0)]
    public IReadOnlyList<string> NodeIdMatchAny { get; init; } = [];

    /// <summary>Labels the node must all carry; empty means no label is needed.</summary>
    [Id(1)]
    public IReadOnlyList<string> LabelMatchAll { get; init; } = [];

    /// <summary>Resource provider ids the node must all host.</summary>
    [Id(2)]
    public IReadOnlyList<string> ResourceMatchAll { get; init; } = [];

    /// <summary>True when the node must run inside a trusted execution environment.</summary>
    [Id(3)]
    public bool TeeRequired { get; init; }

    /// <summary>True when the node must have a TPM.</summary>
    [Id(4)]
    public bool TpmRequired { get; init; }

    /// <summary>How many instances to run (at least 1). Placement spreads them; events are spread over them.</summary>
    [Id(5)]
    public int MaxInstances { get; init; } = 1;

    /// <summary>The run-time wire name the node must list in <c>runtimes</c> (functions); null for resources.</summary>
    [Id(6)]
    public string? RequiredRuntime { get; init; }

    /// <summary>The resource class a provider on the node must host (resources); null for functions.</summary>
    [Id(7)]
    public string? RequiredResourceClass { get; init; }

    /// <summary>
    /// The requirements of <paramref name="function"/>, including its run-time. Throws
    /// <see cref="WorkflowSpecException"/> when an annotation is malformed (never for a spec that
    /// <see cref="WorkflowSpecParser"/> accepted).
    /// </summary>
    public static DeploymentRequirements ForFunction(FunctionSpec function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var parsed = ParseOrThrow(function.Annotations, "annotations");
        return parsed with { RequiredRuntime = function.ClassSpecification.FunctionType.ToWireName() };
    }

    /// <summary>
    /// The requirements of <paramref name="resource"/>, including its class. Throws <see cref="WorkflowSpecException"/>
    /// when a configuration value for a requirement key is malformed.
    /// </summary>
    public static DeploymentRequirements ForResource(ResourceSpec resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var parsed = ParseOrThrow(resource.Configurations, "configurations");
        return parsed with { RequiredResourceClass = resource.ClassType };
    }

    /// <summary>
    /// Parses the requirement keys of <paramref name="values"/>, collecting every malformed value in
    /// <paramref name="errors"/> (their paths are the keys). Malformed means: an empty list or an empty list item,
    /// <c>tee</c>/<c>tpm</c> other than <c>required</c>, <c>optional</c> or <c>false</c>, and <c>max_instances</c> that is
    /// not a positive integer. On failure <paramref name="requirements"/> still holds every key that did parse.
    /// </summary>
    public static bool TryParse(IReadOnlyDictionary<string, string> values, out DeploymentRequirements requirements, out IReadOnlyList<WorkflowSpecError> errors)
    {
        ArgumentNullException.ThrowIfNull(values);
        var found = new List<WorkflowSpecError>();
        requirements = new DeploymentRequirements
        {
            NodeIdMatchAny = ParseList(values, DeploymentRequirementKeys.NodeIdMatchAny, found),
            LabelMatchAll = ParseList(values, DeploymentRequirementKeys.LabelMatchAll, found),
            ResourceMatchAll = ParseList(values, DeploymentRequirementKeys.ResourceMatchAll, found),
            TeeRequired = ParseRequired(values, DeploymentRequirementKeys.Tee, found),
            TpmRequired = ParseRequired(values, DeploymentRequirementKeys.Tpm, found),
            MaxInstances = ParseMaxInstances(values, found),
        };
        errors = found;
        return found.Count == 0;
    }

    /// <summary>
    /// Says whether <paramref name="node"/> meets every requirement, listing each unmet one: not among
    /// <see cref="NodeIdMatchAny"/>, each missing label and provider, no TEE or TPM when required, the run-time not
    /// offered, no provider of the resource class. <see cref="MaxInstances"/> is about how many nodes, not which, and
    /// is not checked here.
    /// </summary>
    public PlacementVerdict Check(NodeDescriptor node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var name = node.DisplayName;
        // Allocated only for a node that fails a requirement: placement checks every node of the domain.
        List<string>? reasons = null;
        var capabilities = node.Capabilities;

        if (NodeIdMatchAny.Count > 0 && !NodeIdMatchAny.Any(item => MatchesNode(item, node)))
        {
            (reasons ??= []).Add($"node {name} is not one of {DeploymentRequirementKeys.NodeIdMatchAny} [{string.Join(", ", NodeIdMatchAny)}]");
        }

        foreach (var label in LabelMatchAll)
        {
            if (!ContainsOrdinal(capabilities.Labels, label))
            {
                (reasons ??= []).Add($"node {name} lacks label {label}");
            }
        }

        foreach (var provider in ResourceMatchAll)
        {
            if (!node.ResourceProviders.Any(p => string.Equals(p.ProviderId, provider, StringComparison.Ordinal)))
            {
                (reasons ??= []).Add($"node {name} does not host resource provider {provider}");
            }
        }

        if (TeeRequired && !capabilities.IsTeeRunning)
        {
            (reasons ??= []).Add($"node {name} does not run in a trusted execution environment (tee=required)");
        }

        if (TpmRequired && !capabilities.HasTpm)
        {
            (reasons ??= []).Add($"node {name} has no TPM (tpm=required)");
        }

        if (RequiredRuntime is { } runtime && !ContainsOrdinal(capabilities.Runtimes, runtime))
        {
            (reasons ??= []).Add($"node {name} does not offer runtime {runtime}");
        }

        if (RequiredResourceClass is { } resourceClass
            && !node.ResourceProviders.Any(p => string.Equals(p.ClassType, resourceClass, StringComparison.Ordinal)))
        {
            (reasons ??= []).Add($"node {name} hosts no provider of resource class {resourceClass}");
        }

        return reasons is null ? PlacementVerdict.Eligible : new PlacementVerdict(reasons);
    }

    /// <summary>Whether <paramref name="items"/> holds <paramref name="item"/>, without the enumerator LINQ's Contains allocates.</summary>
    private static bool ContainsOrdinal(IReadOnlyList<string> items, string item)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (string.Equals(items[i], item, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static bool MatchesNode(string item, NodeDescriptor node) =>
        Guid.TryParse(item, out var id) ? id == node.NodeId : string.Equals(item, node.Name, StringComparison.Ordinal);

    private static DeploymentRequirements ParseOrThrow(IReadOnlyDictionary<string, string> values, string prefix)
    {
        if (TryParse(values, out var requirements, out var errors))
        {
            return requirements;
        }

        throw new WorkflowSpecException(null, errors.Select(e => e with { Path = prefix + "." + e.Path }).ToList());
    }

    private static List<string> ParseList(IReadOnlyDictionary<string, string> values, string key, List<WorkflowSpecError> errors)
    {
        if (!values.TryGetValue(key, out var raw))
        {
            return [];
        }

        var items = raw.Split(',').Select(i => i.Trim()).ToList();
        if (items.All(i => i.Length == 0))
        {
            errors.Add(new WorkflowSpecError(key, "expected a comma-separated list, found an empty value"));
            return [];
        }

        if (items.Any(i => i.Length == 0))
        {
            errors.Add(new WorkflowSpecError(key, $"empty item in comma-separated list '{raw}'"));
        }

        return items.Where(i => i.Length > 0).Distinct(StringComparer.Ordinal).ToList();
    }

    private static bool ParseRequired(IReadOnlyDictionary<string, string> values, string key, List<WorkflowSpecError> errors)
    {
        if (!values.TryGetValue(key, out var raw))
        {
            return false;
        }

        switch (raw.Trim())
        {
            case DeploymentRequirementKeys.Required:
                return true;
            case "optional" or "false":
                return false;
            default:
                errors.Add(new WorkflowSpecError(key, $"expected '{DeploymentRequirementKeys.Required}', found '{raw}'"));
                return false;
        }
    }

    private static int ParseMaxInstances(IReadOnlyDictionary<string, string> values, List<WorkflowSpecError> errors)
    {
        if (!values.TryGetValue(DeploymentRequirementKeys.MaxInstances, out var raw))
        {
            return 1;
        }

        if (!int.TryParse(raw.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1)
        {
            errors.Add(new WorkflowSpecError(DeploymentRequirementKeys.MaxInstances, $"expected a positive integer, found '{raw}'"));
            return 1;
        }

        return count;
    }
}
