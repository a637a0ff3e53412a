using Granary.Grains.Identity;

namespace Granary.Grains.Proxy;

/// <summary>A request from a delegated orchestrator, read from the <c>intents</c> list.</summary>
public abstract record ProxyIntent(string Key);

/// <summary><c>intent:migrate:LID</c> = NODE: move the function to that node.</summary>
public sealed record MigrateIntent(string Key, LogicalFunctionId Function, string Node) : ProxyIntent(Key);

/// <summary><c>intent:cordon:NODE</c> = yes|no: stop or resume new placements on the node.</summary>
public sealed record CordonIntent(string Key, string Node, bool Cordon) : ProxyIntent(Key);

/// <summary>An intent key that could not be understood, with the reason (it is dropped and logged).</summary>
public sealed record InvalidIntent(string Key, string Reason) : ProxyIntent(Key);
