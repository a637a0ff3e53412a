using Granary.Grains.Events;
using Granary.Grains.Identity;
using Granary.Grains.Jobs;
using Granary.Grains.Placement;
using Granary.Grains.Platform;
using Granary.Grains.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;

namespace Granary.Grains.Tests.Jobs;

/// <summary>The job contract types travel in grain calls and on the events stream: generated codecs, round trips.</summary>
public sealed class JobContractSerializerTests
{
    private static readonly IServiceProvider Services = new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(WorkflowSpec).Assembly))
        .BuildServiceProvider();

    [Theory]
    [InlineData(typeof(TaskInfo))]
    [InlineData(typeof(TaskSpecification))]
    [InlineData(typeof(InstanceExit))]
    [InlineData(typeof(ResourceRequest))]
    [InlineData(typeof(JobStatus))]
    [InlineData(typeof(TaskStateChanged))]
    [InlineData(typeof(JobCompleted))]
    [InlineData(typeof(JobFailed))]
    public void Job_contract_type_uses_a_generated_codec(Type type) =>
        Assert.StartsWith("OrleansCodeGen.", Services.GetRequiredService<ICodecProvider>().GetCodec(type).GetType().FullName, StringComparison.Ordinal);

    [Fact]
    public void A_task_state_change_declared_as_a_platform_event_keeps_its_fields()
    {
        var instance = InstanceId.NewOn(Guid.NewGuid());
        PlatformEvent e = new TaskStateChanged(LogicalFunctionId.New(), "wf", "f", 1, TaskState.Running, TaskState.Failed, instance, 2, 137, "killed", DateTimeOffset.UnixEpoch);

        var serializer = Services.GetRequiredService<Serializer>();
        var again = serializer.Deserialize<PlatformEvent>(serializer.SerializeToArray(e));

        Assert.Equal(e, Assert.IsType<TaskStateChanged>(again));
    }
}
