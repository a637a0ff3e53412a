using System.Net;

namespace Granary.Docker.Tests;

[Collection(DockerEngineCollection.Name)]
public sealed class EngineErrorTests(DockerEngineFixture engine)
{
    [Fact]
    public async Task Create_with_a_missing_image_raises_DockerImageNotFoundException_and_never_pulls()
    {
        var error = await Assert.ThrowsAsync<DockerImageNotFoundException>(
            () => engine.Client.CreateContainerAsync(engine.Container("true") with { Image = "busybox:none" }));

        Assert.Equal("image busybox:none not found locally; Granary never pulls images: load or build it on this node", error.Message);
        Assert.Equal("busybox:none", error.Image);
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        await Assert.ThrowsAsync<DockerImageNotFoundException>(() => engine.Client.InspectImageAsync("busybox:none"));
    }

    [Fact]
    public async Task Remove_of_an_unknown_container_raises_DockerApiException_with_404_and_the_engine_message()
    {
        var error = await Assert.ThrowsAsync<DockerApiException>(() => engine.Client.RemoveContainerAsync("granary-no-such-container", force: true));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Equal("No such container: granary-no-such-container", error.EngineMessage);
        Assert.Contains("No such container: granary-no-such-container", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kill_of_a_container_that_is_not_running_raises_DockerApiException_with_409()
    {
        var id = await engine.Client.CreateContainerAsync(engine.Container("sleep", "60"));

        var error = await Assert.ThrowsAsync<DockerApiException>(() => engine.Client.KillContainerAsync(id));

        Assert.Equal(HttpStatusCode.Conflict, error.StatusCode);
        Assert.Contains("is not running", error.EngineMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_with_a_taken_name_raises_DockerApiException_with_409()
    {
        var name = "granary-" + engine.RunId + "-" + Guid.NewGuid().ToString("N")[..8];
        await engine.Client.CreateContainerAsync(engine.Container("sleep", "60") with { Name = name });

        var error = await Assert.ThrowsAsync<DockerApiException>(
            () => engine.Client.CreateContainerAsync(engine.Container("sleep", "60") with { Name = name }));

        Assert.Equal(HttpStatusCode.Conflict, error.StatusCode);
        Assert.Contains(name, error.EngineMessage, StringComparison.Ordinal);
    }
}
