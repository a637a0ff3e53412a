using Granary.Grains.Events;
using Granary.Grains.Identity;
using Granary.Grains.Jobs;
using Granary.Grains.Nodes;
using Granary.Grains.Placement;
using Granary.Grains.Platform;
using Granary.Grains.Protection;
using Granary.Grains.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;

namespace Granary.Grains.Tests.Events;

/// <summary>Contract types travel in grain calls: each must have an Orleans-generated codec and survive a round trip.</summary>
public sealed class GeneratedSerializerTests
{
    private static readonly IServiceProvider Services = new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(WorkflowSpec).Assembly))
        .BuildServiceProvider();

    private static T RoundTrip<T>(T value)
    {
        var serializer = Services.GetRequiredService<Serializer>();
        return serializer.Deserialize<T>(serializer.SerializeToArray(value))!;
    }

    [Theory]
    [InlineData(typeof(WorkflowSpec))]
    [InlineData(typeof(FunctionSpec))]
    [InlineData(typeof(FunctionClassSpecification))]
    [InlineData(typeof(ResourceSpec))]
    [InlineData(typeof(ContainerImageReference))]
    [InlineData(typeof(WorkflowSpecError))]
    [InlineData(typeof(ResourceProviderDescriptor))]
    [InlineData(typeof(NodeCapabilities))]
    [InlineData(typeof(NodeHealth))]
    [InlineData(typeof(NodeDescriptor))]
    [InlineData(typeof(DeploymentRequirements))]
    [InlineData(typeof(PlacementVerdict))]
    [InlineData(typeof(InstanceId))]
    [InlineData(typeof(LogicalFunctionId))]
    [InlineData(typeof(InstanceStarted))]
    [InlineData(typeof(InstanceStopped))]
    [InlineData(typeof(InstanceFailed))]
    [InlineData(typeof(NodeRegistered))]
    [InlineData(typeof(NodeLost))]
    [InlineData(typeof(WorkflowStarted))]
    [InlineData(typeof(WorkflowStopped))]
    [InlineData(typeof(PerformanceSample))]
    [InlineData(typeof(InstanceActivity))]
    [InlineData(typeof(NodeLimited))]
    [InlineData(typeof(NodeTainted))]
    [InlineData(typeof(InstanceShed))]
    [InlineData(typeof(NodeRestored))]
    [InlineData(typeof(NodeUsage))]
    [InlineData(typeof(NodeThrottle))]
    [InlineData(typeof(TaskInfo))]
    [InlineData(typeof(TaskSpecification))]
    [InlineData(typeof(InstanceExit))]
    [InlineData(typeof(ResourceRequest))]
    [InlineData(typeof(JobStatus))]
    [InlineData(typeof(TaskStateChanged))]
    [InlineData(typeof(JobCompleted))]
    [InlineData(typeof(JobFailed))]
    public void Contract_type_uses_a_generated_codec(Type type)
    {
        var codec = Services.GetRequiredService<ICodecProvider>().GetCodec(type);

        Assert.StartsWith("OrleansCodeGen.", codec.GetType().FullName, StringComparison.Ordinal);
    }

    [Fact]
    public void Workflow_spec_survives_a_round_trip()
    {
        var spec = new WorkflowSpec
        {
            Functions =
            [
                new FunctionSpec("f", new FunctionClassSpecification("c", FunctionType.Container, "1", "container:app:1") { Outputs = ["out"] })
                {
                    OutputMapping = new Dictionary<string, string> { ["out"] = "log" },
                    Annotations = new Dictionary<string, string> { ["init-payload"] = "a=1" },
                },
            ],
            Resources = [new ResourceSpec("log", "file-log") { Configurations = new Dictionary<string, string> { ["filename"] = "x" } }],
            Annotations = new Dictionary<string, string> { ["k"] = "v" },
        };

        var again = RoundTrip(spec);

        Assert.Equal(WorkflowSpecWriter.ToJson(spec), WorkflowSpecWriter.ToJson(again));
    }

    [Fact]
    public void Deployment_requirements_survive_a_round_trip()
    {
        var requirements = new DeploymentRequirements { LabelMatchAll = ["zone=eu"], TeeRequired = true, MaxInstances = 3, RequiredRuntime = "DOTNET" };

        var again = RoundTrip(requirements);

        Assert.Equal(["zone=eu"], again.LabelMatchAll);
        Assert.Equal(requirements with { LabelMatchAll = again.LabelMatchAll, NodeIdMatchAny = again.NodeIdMatchAny, ResourceMatchAll = again.ResourceMatchAll }, again);
    }

    [Fact]
    public void Platform_event_declared_as_the_base_type_keeps_its_concrete_type_and_timestamp()
    {
        var at = new DateTimeOffset(2026, 11, 22, 3, 0, 0, TimeSpan.Zero);
        PlatformEvent e = new InstanceFailed(InstanceId.NewOn(Guid.NewGuid()), LogicalFunctionId.New(), "wf", "trap", at);

        var again = RoundTrip(e);

        Assert.Equal(e, Assert.IsType<InstanceFailed>(again));
        Assert.Equal(at, again.Timestamp);
    }

    [Fact]
    public void Node_registered_event_carries_the_capabilities()
    {
        var capabilities = new NodeCapabilities { NumCpus = 8, Labels = ["zone=eu"] };
        var e = new NodeRegistered(Guid.NewGuid(), "d1", capabilities, DateTimeOffset.UnixEpoch);

        var again = RoundTrip(e);

        Assert.Equal(8, again.Capabilities.NumCpus);
        Assert.Equal(["zone=eu"], again.Capabilities.Labels);
        Assert.Equal(e.NodeId, again.NodeId);
    }

    [Fact]
    public void Protection_events_and_usage_samples_survive_a_round_trip()
    {
        var at = new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
        var node = Guid.NewGuid();
        PlatformEvent[] events =
        [
            new NodeLimited(node, "d", ProtectedResource.Memory, 91.5, 80, at),
            new NodeTainted(node, "d", ProtectedResource.Cpu, 99, 80, at),
            new InstanceShed(InstanceId.NewOn(node), LogicalFunctionId.New(), "wf", "d", InstanceId.NewOn(Guid.NewGuid()), ProtectedResource.Cpu, 99, at),
            new InstanceShed(InstanceId.NewOn(node), LogicalFunctionId.New(), "wf", "d", null, ProtectedResource.Load, 130, at),
            new NodeRestored(node, "d", ProtectedResource.Disk, 40, 70, at),
        ];
        var usage = new NodeUsage { At = at, CpuPercent = 12.5, CpuCores = 2, MemTotalBytes = 100, MemAvailableBytes = 25, DiskTotalBytes = 10, DiskFreeBytes = 5, Load1 = 1, Load5 = 2, Load15 = 3 };

        Assert.All(events, e => Assert.Equal(e, RoundTrip(e)));
        Assert.Equal(usage, RoundTrip(usage));
        Assert.Equal(75, RoundTrip(usage).MemoryPercent);
    }

    [Fact]
    public void A_task_state_change_declared_as_a_platform_event_keeps_its_fields()
    {
        var instance = InstanceId.NewOn(Guid.NewGuid());
        PlatformEvent e = new TaskStateChanged(LogicalFunctionId.New(), "wf", "f", 1, TaskState.Running, TaskState.Failed, instance, 2, 137, "killed", DateTimeOffset.UnixEpoch);

        Assert.Equal(e, Assert.IsType<TaskStateChanged>(RoundTrip(e)));
    }
}
