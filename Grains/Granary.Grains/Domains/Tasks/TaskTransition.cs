using Granary.Grains.Jobs;

namespace Granary.Grains.Domains.Tasks;

/// <summary>One state change of a task, as <see cref="FunctionTasks"/> reports it to its domain.</summary>
public sealed record TaskTransition(TaskInfo Task, TaskState From, string? Reason);
