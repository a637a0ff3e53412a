using Granary.Grains.Workflows;

namespace Granary.Grains.Tests.Workflows;

public sealed class ContainerImageReferenceTests
{
    [Theory]
    [InlineData("container:edgeless_function:latest", "edgeless_function", "latest")]
    [InlineData("container:team/app:1.2.3", "team/app", "1.2.3")]
    [InlineData("container:localhost:5000/app:v1", "localhost:5000/app", "v1")]
    public void Well_formed_references_parse_into_image_and_tag(string code, string image, string tag)
    {
        Assert.True(ContainerImageReference.TryParse(code, out var reference, out _));
        Assert.Equal(image, reference.Image);
        Assert.Equal(tag, reference.Tag);
        Assert.Equal(code, reference.ToString());
    }

    [Theory]
    [InlineData("edgeless_function:latest", "must have the form")]
    [InlineData("container:app", "has no tag")]
    [InlineData("container:localhost:5000/app", "has no tag")]
    [InlineData("container::latest", "empty image name")]
    [InlineData("container:App:1", "invalid image name")]
    [InlineData("container:app:", "invalid tag")]
    [InlineData("container:app:-bad", "invalid tag")]
    public void Malformed_references_are_rejected_with_a_reason(string code, string reason)
    {
        Assert.False(ContainerImageReference.TryParse(code, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }
}
