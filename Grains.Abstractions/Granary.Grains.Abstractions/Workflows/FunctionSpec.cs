namespace Granary.Grains.Workflows;

/// <summary>
/// One function of a workflow. Its <see cref="Name"/> is unique among the workflow's functions and resources, and
/// every target in <see cref="OutputMapping"/> names one of them (the function itself included: cycles are allowed).
/// </summary>
/// <param name="Name">The component name, local to the workflow (<c>name</c>); other components' mappings target it by this name.</param>
/// <param name="ClassSpecification">What to run (<c>class_specification</c>).</param>
[GenerateSerializer]
public sealed record FunctionSpec([property: Id(0)] string Name, [property: Id(1)] FunctionClassSpecification ClassSpecification)
{

    /// <summary>Output channel to target component name (<c>output_mapping</c>); events cast on an unmapped channel are dropped.</summary>
    [Id(2)]
    public IReadOnlyDictionary<string, string> OutputMapping { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Free-form annotations (<c>annotations</c>): <c>init-payload</c> is handed verbatim to the function's init;
    /// deployment requirement keys (<c>node_id_match_any</c>, <c>max_instances</c>, ...) constrain placement.
    /// </summary>
    [Id(3)]
    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();

    /// <summary>The <c>init-payload</c> annotation exactly as written, or null when absent.</summary>
    public string? InitPayload => Annotations.TryGetValue(AnnotationNames.InitPayload, out var payload) ? payload : null;
}
