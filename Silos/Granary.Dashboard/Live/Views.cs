namespace Granary.Dashboard.Live;

// What the live pages receive, as JSON (camelCase). These never cross grains: they are built from the grains' answers.

/// <summary>Every workflow the controller knows, drawn on the workflows page (no timestamp: it is sent only when it changes).</summary>
public sealed record WorkflowsView(IReadOnlyList<WorkflowView> Workflows);

/// <summary>One workflow: its components (graph nodes) and their channels (graph edges).</summary>
public sealed record WorkflowView(string Id, string State, string? DomainId, DateTimeOffset StartedAt, IReadOnlyList<ComponentView> Components, IReadOnlyList<ChannelView> Channels);

/// <summary>A function or resource of a workflow: its state (running, unplaced, not running) and its instances.</summary>
public sealed record ComponentView(string Name, string Kind, bool IsResource, string State, string? LogicalId, string? UnplacedReason, IReadOnlyList<InstanceView> Instances);

/// <summary>An output channel from one component to another.</summary>
public sealed record ChannelView(string From, string Channel, string To);

/// <summary>An instance and the node it runs on.</summary>
public sealed record InstanceView(string Id, string NodeId, string NodeName);

/// <summary>Domains and their nodes, on the domains and nodes page.</summary>
public sealed record NodesView(DateTimeOffset At, IReadOnlyList<DomainView> Domains, IReadOnlyList<NodeView> Nodes, IReadOnlyList<FunctionRefView> Functions);

/// <summary>A domain: what its nodes offer together.</summary>
public sealed record DomainView(string Id, IReadOnlyList<string> Runtimes, IReadOnlyList<string> ResourceClasses, int NodeCount, IReadOnlyList<string> Workflows);

/// <summary>A node: capabilities, labels, health now and over the last minutes, cordon state, instances.</summary>
public sealed record NodeView(
    string Id, string Name, string DomainId, bool Cordoned, CapabilitiesView Capabilities, IReadOnlyList<string> Labels, HealthView Health,
    HealthHistoryView History, IReadOnlyList<NodeInstanceView> Instances);

/// <summary>The capabilities a node reported.</summary>
public sealed record CapabilitiesView(int Cpus, int Cores, string CpuModel, long MemoryMiB, long DiskMiB, IReadOnlyList<string> Runtimes, IReadOnlyList<string> ResourceClasses, bool Tee, bool Tpm, int Gpus);

/// <summary>The last health report: CPU of the node process (% of one core), memory used (MiB), one-minute load.</summary>
public sealed record HealthView(int CpuPercent, double MemoryUsedMiB, double Load1);

/// <summary>Health over the last minutes, as parallel arrays for the charts (time in Unix seconds).</summary>
public sealed record HealthHistoryView(IReadOnlyList<double> Time, IReadOnlyList<double> CpuPercent, IReadOnlyList<double> MemoryUsedMiB, IReadOnlyList<double> Load1);

/// <summary>An instance a node runs.</summary>
public sealed record NodeInstanceView(string Id, string WorkflowId, string Component, string LogicalId);

/// <summary>A function a person may migrate: where it belongs and where its instances run.</summary>
public sealed record FunctionRefView(string LogicalId, string DomainId, string WorkflowId, string Component, IReadOnlyList<string> NodeIds);

/// <summary>Per instance rates from the performance samples, on the functions page.</summary>
public sealed record FunctionsView(DateTimeOffset At, IReadOnlyList<InstanceRateView> Instances);

/// <summary>One instance's events per second and mean execution time, now and over the last minutes.</summary>
public sealed record InstanceRateView(
    string Id, string NodeId, string WorkflowId, string Component, string LogicalId, long TotalEvents, double EventsPerSecond, double MeanExecutionMs,
    IReadOnlyList<double> Time, IReadOnlyList<double> EventsPerSecondHistory, IReadOnlyList<double> MeanExecutionMsHistory);

/// <summary>A platform event as the events page lists it.</summary>
public sealed record EventView(DateTimeOffset At, string Domain, string Kind, string Fields);
