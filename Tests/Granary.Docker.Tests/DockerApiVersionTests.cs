using Granary.Docker.Internal;

namespace Granary.Docker.Tests;

public sealed class DockerApiVersionTests
{
    [Fact]
    public void Newer_engine_is_spoken_to_at_the_client_maximum()
    {
        Assert.Equal(DockerApiVersion.MaxSupported, DockerApiVersion.Negotiate(new Version(1, 51), new Version(1, 24)));
    }

    [Fact]
    public void Older_engine_is_spoken_to_at_its_own_maximum()
    {
        Assert.Equal(new Version(1, 41), DockerApiVersion.Negotiate(new Version(1, 41), new Version(1, 12)));
    }

    [Fact]
    public void Engine_older_than_the_client_minimum_is_refused()
    {
        var error = Assert.Throws<NotSupportedException>(() => DockerApiVersion.Negotiate(new Version(1, 40), new Version(1, 12)));

        Assert.Contains("1.40", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Engine_whose_minimum_exceeds_the_client_maximum_is_refused()
    {
        var error = Assert.Throws<NotSupportedException>(() => DockerApiVersion.Negotiate(new Version(2, 5), new Version(2, 0)));

        Assert.Contains("2.0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Versions_are_written_as_the_engine_writes_them()
    {
        Assert.Equal("1.41", DockerApiVersion.Format(DockerApiVersion.Parse("1.41", "ApiVersion")));
    }
}
