using Granary.Grains.Identity;
using Granary.Grains.Protection;

namespace Granary.Platform.Tests.Protection;

/// <summary>Which instance a tainted node sheds next.</summary>
public sealed class SheddingPlannerTests
{
    private static SheddingCandidate Candidate(string component, int priority, int replicas) =>
        new(InstanceId.NewOn(Guid.NewGuid()), LogicalFunctionId.New(), component, priority, replicas);

    [Fact]
    public void The_lowest_priority_goes_first()
    {
        var important = Candidate("important", priority: 10, replicas: 1);
        var plain = Candidate("plain", priority: 0, replicas: 1);
        var expendable = Candidate("expendable", priority: -5, replicas: 1);

        Assert.Same(expendable, SheddingPlanner.Choose([important, plain, expendable]));
        Assert.Same(plain, SheddingPlanner.Choose([important, plain]));
    }

    [Fact]
    public void Among_equal_priorities_a_replica_of_a_function_with_several_goes_before_an_only_instance()
    {
        var only = Candidate("a-only", priority: 0, replicas: 1);
        var replica = Candidate("z-replica", priority: 0, replicas: 3);

        Assert.Same(replica, SheddingPlanner.Choose([only, replica]));
    }

    [Fact]
    public void Priority_outranks_replicas()
    {
        var replica = Candidate("replica", priority: 1, replicas: 3);
        var only = Candidate("only", priority: 0, replicas: 1);

        Assert.Same(only, SheddingPlanner.Choose([replica, only]));
    }

    [Fact]
    public void Nothing_to_shed_gives_null()
    {
        Assert.Null(SheddingPlanner.Choose([]));
    }

    [Theory]
    [InlineData(null, 0)]
    [InlineData("7", 7)]
    [InlineData(" -3 ", -3)]
    public void The_priority_annotation_defaults_to_zero(string? value, int expected)
    {
        var annotations = value is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["priority"] = value };

        Assert.Equal(expected, SheddingPlanner.PriorityOf(annotations));
    }
}
