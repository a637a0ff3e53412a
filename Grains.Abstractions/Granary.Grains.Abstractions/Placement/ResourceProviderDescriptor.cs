using System.Text.Json.Serialization;

namespace Granary.Grains.Placement;

/// <summary>
/// A resource provider hosted by a node: an instance of a resource class that workflow resources of that class can
/// be placed on. <see cref="ProviderId"/> is what <c>resource_match_all</c> names.
/// </summary>
/// <param name="ProviderId">The provider id, unique in the domain (<c>provider_id</c>).</param>
/// <param name="ClassType">The resource class it hosts (<c>class_type</c>), e.g. <c>file-log</c>.</param>
[GenerateSerializer]
public sealed record ResourceProviderDescriptor(
    [property: Id(0)][property: JsonPropertyName("provider_id")] string ProviderId,
    [property: Id(1)][property: JsonPropertyName("class_type")] string ClassType)
{

    /// <summary>The output channels its resources may cast on (<c>outputs</c>); informational.</summary>
    [Id(2)]
    [JsonPropertyName("outputs")]
    public IReadOnlyList<string> Outputs { get; init; } = [];
}
