using Granary.Grains.Protection;
using Microsoft.Extensions.Configuration;

namespace Granary.Platform.Tests.Protection;

/// <summary>Thresholds per domain and per node label, and the validation of Granary:Protection.</summary>
public sealed class ProtectionOptionsTests
{
    private static ProtectionOptions Bind(Dictionary<string, string?> settings)
    {
        var options = new ProtectionOptions();
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection("Granary:Protection").Bind(options);
        return options;
    }

    [Fact]
    public void Domain_thresholds_replace_the_defaults_and_label_thresholds_replace_both()
    {
        var options = Bind(new()
        {
            ["Granary:Protection:Cpu"] = "85",
            ["Granary:Protection:Domains:edge:Cpu"] = "90",
            ["Granary:Protection:Domains:edge:Release"] = "60",
            ["Granary:Protection:Labels:tier=small:Memory"] = "60",
            ["Granary:Protection:Labels:tier=small:Release"] = "50",
            ["Granary:Protection:Labels:tier=small:ConsecutiveSamples"] = "4",
        });

        Assert.Equal(new ProtectionThresholds(85, 80, 80, 80, 70, 2), options.Resolve("cloud", ["tier=big"]));
        Assert.Equal(new ProtectionThresholds(90, 80, 80, 80, 60, 2), options.Resolve("edge", ["tier=big"]));
        Assert.Equal(new ProtectionThresholds(90, 60, 80, 80, 50, 4), options.Resolve("edge", ["hostname=a", "tier=small"]));
    }

    [Fact]
    public void Labels_apply_in_the_order_the_node_lists_them()
    {
        var options = Bind(new()
        {
            ["Granary:Protection:Labels:a=1:Cpu"] = "90",
            ["Granary:Protection:Labels:b=2:Cpu"] = "95",
        });

        Assert.Equal(95, options.Resolve("d", ["a=1", "b=2"]).Cpu);
        Assert.Equal(90, options.Resolve("d", ["b=2", "a=1"]).Cpu);
    }

    [Fact]
    public void A_release_level_not_below_a_threshold_is_refused_naming_the_setting()
    {
        var options = Bind(new()
        {
            ["Granary:Protection:Labels:tier=small:Disk"] = "65",
            ["Granary:Protection:SampleInterval"] = "00:00:00",
        });

        var result = new ProtectionOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains("Granary:Protection:Labels:tier=small:Release (70) must be below the Disk threshold (65)", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("Granary:Protection:SampleInterval must be positive", StringComparison.Ordinal));
    }

    [Fact]
    public void The_defaults_are_valid()
    {
        Assert.True(new ProtectionOptionsValidator().Validate(null, new ProtectionOptions()).Succeeded);
    }

    [Fact]
    public void The_watched_resources_bind_from_a_comma_separated_list()
    {
        var options = Bind(new()
        {
            ["Granary:Protection:Watch"] = "Cpu, Memory, Disk",
            ["Granary:Protection:Labels:tier=small:Watch"] = "Cpu",
        });

        Assert.Equal(WatchedResources.Cpu | WatchedResources.Memory | WatchedResources.Disk, options.Resolve("d", []).Watch);
        Assert.Equal([Granary.Grains.Nodes.ProtectedResource.Cpu], options.Resolve("d", ["tier=small"]).Watched);
    }
}
