namespace Granary.Grains.Workflows;

/// <summary>
/// One problem found in a workflow specification: where (<see cref="Path"/>, a JSON path such as
/// <c>functions[1].output_mapping.out</c>; empty for the document itself) and why.
/// </summary>
[GenerateSerializer]
[Immutable]
public sealed record WorkflowSpecError([property: Id(0)] string Path, [property: Id(1)] string Message)
{
    /// <summary>The path and the message, as one line of <see cref="WorkflowSpecException.Message"/>.</summary>
    public override string ToString() => Path.Length == 0 ? Message : Path + ": " + Message;
}
