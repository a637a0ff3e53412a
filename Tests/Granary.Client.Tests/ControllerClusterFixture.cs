namespace Granary.Client.Tests;

/// <summary>One <see cref="ControllerCluster"/> shared by the tests of a class.</summary>
public sealed class ControllerClusterFixture : IAsyncLifetime
{
    private ControllerCluster? _cluster;

    public ControllerCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not started.");

    public async Task InitializeAsync() => _cluster = await ControllerCluster.StartAsync();

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
