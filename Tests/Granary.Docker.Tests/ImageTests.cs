namespace Granary.Docker.Tests;

[Collection(DockerEngineCollection.Name)]
public sealed class ImageTests(DockerEngineFixture engine)
{
    [Fact]
    public async Task Inspect_describes_a_local_image_by_reference()
    {
        var image = await engine.Client.InspectImageAsync(engine.Image);

        Assert.Contains(engine.Image, image.RepoTags);
        Assert.StartsWith("sha256:", image.Id, StringComparison.Ordinal);
        Assert.Equal("linux", image.Os);
        Assert.True(image.Size > 0);
    }

    [Fact]
    public async Task Inspect_reads_the_labels_the_image_was_given()
    {
        var image = await engine.Client.InspectImageAsync(engine.Image);

        Assert.Equal(engine.RunId, image.Labels[DockerEngineFixture.RunLabel]);
    }

    [Fact]
    public async Task List_includes_a_local_image_with_its_tag()
    {
        var images = await engine.Client.ListImagesAsync();

        Assert.Contains(images, image => image.RepoTags.Contains(engine.Image));
    }

    [Fact]
    public async Task Inspect_of_a_missing_image_raises_DockerImageNotFoundException_naming_it()
    {
        var error = await Assert.ThrowsAsync<DockerImageNotFoundException>(() => engine.Client.InspectImageAsync("busybox:none"));

        Assert.Equal("busybox:none", error.Image);
        Assert.Equal("image busybox:none not found locally; Granary never pulls images: load or build it on this node", error.Message);
    }
}
