using System.Globalization;
using System.Text.Json;
using Granary.Grains.Identity;
using Granary.Grains.Platform;

namespace Granary.Grains.Proxy;

/// <summary>
/// The key layout of the EDGELESS proxy mirror (../shared/REFERENCE.md section 5), kept exactly:
/// <c>domain_info:domain_id</c>, <c>nodes:capabilities:NODE</c>, <c>node:health:NODE</c>, <c>provider:ID</c>,
/// <c>instance:LID</c>, <c>dependency:LID</c>, the lists <c>performance:function_execution_time:PID</c>, and the intent keys <c>intent:migrate:LID</c>, <c>intent:cordon:NODE</c>
/// listed in <c>intents</c>.
/// </summary>
public static class ProxyKeys
{
    public const string DomainInfo = "domain_info:domain_id";
    public const string IntentList = "intents";
    public const string MigratePrefix = "intent:migrate:";
    public const string CordonPrefix = "intent:cordon:";

    /// <summary>Prefix of the per-instance execution time lists (followed by the physical id, PID).</summary>
    public const string PerformancePrefix = "performance:function_execution_time:";

    /// <summary>The key prefixes the mirror owns (used to find stale keys after an outage).</summary>
    public static readonly string[] MirroredPrefixes = ["nodes:capabilities:", "node:health:", "provider:", "instance:", "dependency:", PerformancePrefix];

    public static string Capabilities(Guid node) => "nodes:capabilities:" + node.ToString("D");

    public static string Health(Guid node) => "node:health:" + node.ToString("D");

    public static string Provider(string providerId) => "provider:" + providerId;

    public static string Instance(LogicalFunctionId lid) => "instance:" + lid;

    public static string Dependency(LogicalFunctionId lid) => "dependency:" + lid;

    public static string Performance(InstanceId pid) => PerformancePrefix + pid.ComponentId.ToString("D");

    /// <summary>The field of <c>node:health:NODE</c> holding the node's protection state: normal, limited or tainted.</summary>
    public const string ProtectionField = "protection";

    /// <summary>The EDGELESS health fields of the node, plus <see cref="ProtectionField"/>.</summary>
    private static string HealthJson(NodeSnapshot node)
    {
        var health = JsonSerializer.SerializeToNode(node.Health)!.AsObject();
        health[ProtectionField] = node.Protection.ToString().ToLowerInvariant();
        return health.ToJsonString();
    }

    /// <summary>Every string key the snapshot mirrors to, with its value.</summary>
    public static Dictionary<string, string> Render(DomainSnapshot snapshot)
    {
        var keys = new Dictionary<string, string>(StringComparer.Ordinal) { [DomainInfo] = snapshot.DomainId };
        foreach (var node in snapshot.Nodes)
        {
            var id = node.Descriptor.NodeId;
            keys[Capabilities(id)] = JsonSerializer.Serialize(node.Descriptor.Capabilities);
            keys[Health(id)] = HealthJson(node);
            foreach (var provider in node.Descriptor.ResourceProviders)
            {
                keys[Provider(provider.ProviderId)] = JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["class_type"] = provider.ClassType,
                    ["node_id"] = id.ToString("D"),
                    ["outputs"] = provider.Outputs,
                });
            }
        }

        foreach (var function in snapshot.Functions)
        {
            keys[Instance(function.LogicalId)] = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["workflow_id"] = function.WorkflowId,
                ["name"] = function.Component,
                ["kind"] = function.IsResource ? "resource" : "function",
                ["annotations"] = function.Annotations,
                ["instances"] = function.Instances.Select(i => new Dictionary<string, string>
                {
                    ["node_id"] = i.NodeId.ToString("D"),
                    ["function_id"] = i.ComponentId.ToString("D"),
                }).ToList(),
            });
            keys[Dependency(function.LogicalId)] = JsonSerializer.Serialize(function.Dependencies.ToDictionary(d => d.Key, d => d.Value.ToString()));
        }

        return keys;
    }

    /// <summary>
    /// The list key of every instance with performance samples in the snapshot, with what was reported in all and the
    /// most recent samples rendered with <see cref="PerformanceSample"/>, oldest first.
    /// </summary>
    public static Dictionary<string, (long Total, List<string> Samples)> RenderPerformance(DomainSnapshot snapshot)
    {
        var lists = new Dictionary<string, (long Total, List<string> Samples)>(StringComparer.Ordinal);
        foreach (var instance in snapshot.Performance)
        {
            lists[Performance(instance.Instance)] = (instance.Total, instance.Samples.Select(s => PerformanceSample(s.ExecutionTime, s.At)).ToList());
        }

        return lists;
    }

    /// <summary>
    /// A performance sample exactly as EDGELESS stores it (<c>0.243379291,1725557090.92</c>): the execution time in
    /// seconds with its fraction, a comma, then the Unix time in seconds with its fraction (millisecond precision,
    /// trailing zeros dropped). <paramref name="at"/> is when the orchestrator received the sample, as in EDGELESS.
    /// </summary>
    public static string PerformanceSample(TimeSpan executionTime, DateTimeOffset at) =>
        string.Create(CultureInfo.InvariantCulture, $"{executionTime.TotalSeconds:0.#########},{at.ToUnixTimeMilliseconds() / 1000m:0.###}");

    /// <summary>
    /// Reads a sample written as <see cref="PerformanceSample"/> writes it (or by EDGELESS): false for any other text,
    /// including a negative time or a timestamp that is not a plausible Unix time in seconds (for example one in
    /// milliseconds).
    /// </summary>
    public static bool TryParsePerformanceSample(string text, out TimeSpan executionTime, out DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(text);
        executionTime = default;
        at = default;
        var comma = text.IndexOf(',', StringComparison.Ordinal);
        if (comma < 0
            || !decimal.TryParse(text.AsSpan(0, comma), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
            || !decimal.TryParse(text.AsSpan(comma + 1), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var unixSeconds)
            || seconds > (decimal)TimeSpan.MaxValue.TotalSeconds
            || unixSeconds * 1000 > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            return false;
        }

        executionTime = TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
        at = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(unixSeconds * 1000));
        return true;
    }
}
