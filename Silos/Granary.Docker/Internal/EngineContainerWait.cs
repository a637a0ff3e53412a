namespace Granary.Docker.Internal;

/// <summary>The answer of <c>POST /containers/{id}/wait</c>.</summary>
internal sealed class EngineContainerWait
{
    public long StatusCode { get; set; }

    public EngineError? Error { get; set; }
}
