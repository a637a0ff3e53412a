namespace Granary.Executors.Tests;

/// <summary>Container function tests share one dockerd fixture and its template image.</summary>
[CollectionDefinition(Name)]
public sealed class ContainerEngineCollection : ICollectionFixture<ContainerEngineFixture>
{
    public const string Name = "dockerd";
}
