namespace Granary.Docker.Tests;

/// <summary>Tests against the real dockerd share one fixture and run one at a time (the machine has two cores).</summary>
[CollectionDefinition(Name)]
public sealed class DockerEngineCollection : ICollectionFixture<DockerEngineFixture>
{
    public const string Name = "dockerd";
}
