namespace Granary.Docker.Internal;

/// <summary>The answer of <c>POST /containers/create</c>.</summary>
internal sealed class EngineContainerCreated
{
    public string Id { get; set; } = "";

    public List<string>? Warnings { get; set; }
}
