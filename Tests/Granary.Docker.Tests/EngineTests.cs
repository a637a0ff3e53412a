using Granary.Docker.Internal;

namespace Granary.Docker.Tests;

[Collection(DockerEngineCollection.Name)]
public sealed class EngineTests(DockerEngineFixture engine)
{
    [Fact]
    public async Task Negotiated_api_version_is_the_lower_of_the_engine_maximum_and_the_client_maximum()
    {
        var version = await engine.Client.GetVersionAsync();

        var negotiated = await engine.Client.NegotiateApiVersionAsync();

        var expected = version.ApiVersion < DockerApiVersion.MaxSupported ? version.ApiVersion : DockerApiVersion.MaxSupported;
        Assert.Equal(expected, negotiated);
    }

    [Fact]
    public async Task Version_reports_the_same_engine_release_and_api_version_as_the_docker_cli()
    {
        var version = await engine.Client.GetVersionAsync();

        Assert.Equal(await DockerCli.RunAsync("version", "--format", "{{.Server.Version}}"), version.Version);
        Assert.Equal(await DockerCli.RunAsync("version", "--format", "{{.Server.APIVersion}}"), DockerApiVersion.Format(version.ApiVersion));
        Assert.True(version.MinApiVersion <= version.ApiVersion);
        Assert.Equal("linux", version.Os);
    }

    [Fact]
    public async Task Requests_carry_the_negotiated_version_prefix()
    {
        var negotiated = await engine.Client.NegotiateApiVersionAsync();

        var error = await Assert.ThrowsAsync<DockerApiException>(() => engine.Client.InspectContainerAsync("granary-no-such-container"));

        Assert.Equal($"GET /v{DockerApiVersion.Format(negotiated)}/containers/granary-no-such-container/json", error.Request);
    }
}
