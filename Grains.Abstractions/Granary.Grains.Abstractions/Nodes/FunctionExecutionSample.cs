using Granary.Grains.Identity;

namespace Granary.Grains.Nodes;

/// <summary>
/// How long one event (a cast or a call) took an instance to handle, and when it finished. Nodes that collect
/// performance samples send them with each registration refresh; the domain mirrors them to Redis as
/// <c>performance:function_execution_time:PID</c>.
/// </summary>
/// <param name="Instance">The instance that handled the event.</param>
/// <param name="ExecutionTime">From the start of the handler to its completion.</param>
/// <param name="At">When the handler completed.</param>
[GenerateSerializer]
[Immutable]
public sealed record FunctionExecutionSample(
    [property: Id(0)] InstanceId Instance,
    [property: Id(1)] TimeSpan ExecutionTime,
    [property: Id(2)] DateTimeOffset At);
