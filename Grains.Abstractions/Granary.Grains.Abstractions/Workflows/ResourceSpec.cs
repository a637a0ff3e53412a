namespace Granary.Grains.Workflows;

/// <summary>
/// One resource of a workflow: an instance of a resource class hosted by a node's resource provider. Its
/// <see cref="Name"/> shares the workflow's one namespace with the functions.
/// </summary>
/// <param name="Name">The component name, local to the workflow (<c>name</c>).</param>
/// <param name="ClassType">The resource class (<c>class_type</c>), one of <see cref="ResourceClasses.All"/>.</param>
[GenerateSerializer]
public sealed record ResourceSpec([property: Id(0)] string Name, [property: Id(1)] string ClassType)
{

    /// <summary>Output channel to target component name (<c>output_mapping</c>), as for functions.</summary>
    [Id(2)]
    public IReadOnlyDictionary<string, string> OutputMapping { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Class-specific settings (<c>configurations</c>, e.g. <c>filename</c> for file-log) and deployment requirement
    /// keys, all strings.
    /// </summary>
    [Id(3)]
    public IReadOnlyDictionary<string, string> Configurations { get; init; } = new Dictionary<string, string>();
}
