using Granary.Docker.Internal;

namespace Granary.Docker.Tests;

public sealed class DockerSocketPathTests
{
    [Fact]
    public void Configured_path_wins_over_DOCKER_HOST()
    {
        Assert.Equal("/run/custom.sock", DockerSocketPath.Resolve("/run/custom.sock", "unix:///run/other.sock"));
    }

    [Fact]
    public void Unix_DOCKER_HOST_is_used_when_no_path_is_configured()
    {
        Assert.Equal("/run/user/1000/docker.sock", DockerSocketPath.Resolve(null, "unix:///run/user/1000/docker.sock"));
    }

    [Fact]
    public void Default_socket_is_used_without_configuration_or_DOCKER_HOST()
    {
        Assert.Equal("/var/run/docker.sock", DockerSocketPath.Resolve(null, null));
    }

    [Fact]
    public void Tcp_DOCKER_HOST_is_refused_with_a_message_naming_it()
    {
        var error = Assert.Throws<NotSupportedException>(() => DockerSocketPath.Resolve(null, "tcp://127.0.0.1:2375"));

        Assert.Contains("DOCKER_HOST=tcp://127.0.0.1:2375", error.Message, StringComparison.Ordinal);
    }
}
