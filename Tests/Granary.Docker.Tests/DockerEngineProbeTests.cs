namespace Granary.Docker.Tests;

[Collection(DockerEngineCollection.Name)]
public sealed class DockerEngineProbeTests(DockerEngineFixture engine)
{
    [Fact]
    public void A_running_engine_is_reachable()
    {
        Assert.True(DockerEngineProbe.IsReachable(new DockerClientOptions { SocketPath = engine.Client.SocketPath }, TimeSpan.FromSeconds(5), out var failure), failure);
        Assert.Null(failure);
    }

    [Fact]
    public void A_missing_socket_is_unreachable_and_named()
    {
        var path = Path.Combine(Path.GetTempPath(), "granary-no-engine-" + Guid.NewGuid().ToString("N") + ".sock");

        Assert.False(DockerEngineProbe.IsReachable(new DockerClientOptions { SocketPath = path }, TimeSpan.FromSeconds(5), out var failure));
        Assert.Equal($"no Docker Engine socket at {path}", failure);
    }

    [Fact]
    public void An_engine_that_never_answers_is_unreachable_after_the_timeout()
    {
        using var silent = new SilentEngine();

        Assert.False(DockerEngineProbe.IsReachable(new DockerClientOptions { SocketPath = silent.SocketPath }, TimeSpan.FromMilliseconds(300), out var failure));
        Assert.Contains("did not answer /_ping within 300 ms", failure, StringComparison.Ordinal);
    }
}
