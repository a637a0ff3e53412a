using System.Text.Json;
using Granary.Grains.Proxy.Redis;
using StackExchange.Redis;

namespace Granary.Grains.Proxy;

/// <summary>
/// Reads a domain's state back from the proxy mirror (the keys of <see cref="ProxyKeys"/>), for tools such as
/// <c>granary proxy</c> and delegated orchestrators. It reads what is there and never writes; entries whose JSON is
/// unreadable are skipped. Results are sorted by id so output is stable.
/// </summary>
public sealed class ProxyStateReader(IDatabase redis)
{
    private const string HealthPrefix = "node:health:";
    private const string CapabilitiesPrefix = "nodes:capabilities:";
    private const string InstancePrefix = "instance:";
    private const string DependencyPrefix = "dependency:";

    /// <summary>The prefix of the performance sample lists: <c>performance:function_execution_time:PID</c>.</summary>
    public const string PerformancePrefix = "performance:function_execution_time:";

    /// <summary>The domain id (<c>domain_info:domain_id</c>), or null when the mirror holds none.</summary>
    public async Task<string?> DomainIdAsync(CancellationToken cancellationToken = default) =>
        (string?)await redis.StringGetAsync(ProxyKeys.DomainInfo).WaitAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Every node with a health or capabilities entry.</summary>
    public async Task<IReadOnlyList<ProxyNodeEntry>> NodesAsync(CancellationToken cancellationToken = default)
    {
        var health = await ReadJsonByIdAsync(HealthPrefix, cancellationToken).ConfigureAwait(false);
        var capabilities = await ReadJsonByIdAsync(CapabilitiesPrefix, cancellationToken).ConfigureAwait(false);
        return health.Keys.Union(capabilities.Keys).Order(StringComparer.Ordinal)
            .Select(id => new ProxyNodeEntry(id, health.TryGetValue(id, out var h) ? h : null, capabilities.TryGetValue(id, out var c) ? c : null))
            .ToList();
    }

    /// <summary>Every logical function and resource with an <c>instance:LID</c> entry, with its dependencies.</summary>
    public async Task<IReadOnlyList<ProxyFunctionEntry>> FunctionsAsync(CancellationToken cancellationToken = default)
    {
        var instances = await ReadJsonByIdAsync(InstancePrefix, cancellationToken).ConfigureAwait(false);
        var dependencies = await ReadJsonByIdAsync(DependencyPrefix, cancellationToken).ConfigureAwait(false);
        return instances.OrderBy(i => i.Key, StringComparer.Ordinal)
            .Select(i => ToFunction(i.Key, i.Value, dependencies.TryGetValue(i.Key, out var d) ? d : null))
            .ToList();
    }

    /// <summary>The performance samples of every instance that has some (<c>exec_time,timestamp</c> lines, as stored), by physical id.</summary>
    public async Task<IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>>> PerformanceAsync(CancellationToken cancellationToken = default)
    {
        var result = new List<KeyValuePair<string, IReadOnlyList<string>>>();
        foreach (var key in await KeysAsync(PerformancePrefix, cancellationToken).ConfigureAwait(false))
        {
            var values = await redis.ListRangeAsync(key).WaitAsync(cancellationToken).ConfigureAwait(false);
            result.Add(new(key[PerformancePrefix.Length..], values.Select(v => v.ToString() ?? string.Empty).ToList()));
        }

        return result;
    }

    private async Task<List<string>> KeysAsync(string prefix, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        await foreach (var key in RedisKeys.ScanAsync(redis, prefix + "*", cancellationToken).ConfigureAwait(false))
        {
            keys.Add(key);
        }

        keys.Sort(StringComparer.Ordinal);
        return keys;
    }

    private async Task<Dictionary<string, JsonElement>> ReadJsonByIdAsync(string prefix, CancellationToken cancellationToken)
    {
        var keys = await KeysAsync(prefix, cancellationToken).ConfigureAwait(false);
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (keys.Count == 0)
        {
            return result;
        }

        var values = await redis.StringGetAsync([.. keys.Select(k => (RedisKey)k)]).WaitAsync(cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < keys.Count; i++)
        {
            if ((string?)values[i] is not { } text)
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(text);
                result[keys[i][prefix.Length..]] = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                // Not ours to judge: a tool shows what it can read.
            }
        }

        return result;
    }

    private static ProxyFunctionEntry ToFunction(string lid, JsonElement entry, JsonElement? dependencies)
    {
        var instances = new List<ProxyInstanceEntry>();
        CollectInstances(entry, instances);
        return new ProxyFunctionEntry
        {
            LogicalId = lid,
            WorkflowId = Text(entry, "workflow_id"),
            Name = Text(entry, "name"),
            Kind = Text(entry, "kind") is { Length: > 0 } kind ? kind : entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("Resource", out _) ? "resource" : "function",
            Annotations = StringMap(Find(entry, "annotations")),
            Instances = instances,
            Dependencies = StringMap(dependencies),
        };
    }

    // Instances are objects carrying node_id and function_id, wherever the entry nests them.
    private static void CollectInstances(JsonElement element, List<ProxyInstanceEntry> into)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                if (element.TryGetProperty("node_id", out var node) && element.TryGetProperty("function_id", out var function))
                {
                    into.Add(new ProxyInstanceEntry(Scalar(node), Scalar(function)));
                    return;
                }

                foreach (var property in element.EnumerateObject())
                {
                    CollectInstances(property.Value, into);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    CollectInstances(item, into);
                }

                break;
        }
    }

    private static JsonElement? Find(JsonElement element, string name)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            if (element.TryGetProperty(name, out var found))
            {
                return found;
            }

            foreach (var property in element.EnumerateObject())
            {
                if (Find(property.Value, name) is { } nested)
                {
                    return nested;
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                if (Find(item, name) is { } nested)
                {
                    return nested;
                }
            }
        }

        return null;
    }

    private static string Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? Scalar(value) : string.Empty;

    private static string Scalar(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();

    private static Dictionary<string, string> StringMap(JsonElement? element)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (element is { ValueKind: JsonValueKind.Object } obj)
        {
            foreach (var property in obj.EnumerateObject())
            {
                map[property.Name] = Scalar(property.Value);
            }
        }

        return map;
    }
}
