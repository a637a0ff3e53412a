using System.Globalization;
using System.Text.Json;
using Granary.Grains.Proxy;
using Spectre.Console;

namespace Granary.Cli;

/// <summary>Renders what <c>granary proxy show</c> reads from the proxy Redis, as plain tables (see <see cref="Views"/>).</summary>
internal static class ProxyViews
{
    /// <summary>Node id → its health fields (memory in kB as the node reports it; load averages as numbers).</summary>
    public static void NodeHealth(IAnsiConsole console, IReadOnlyList<ProxyNodeEntry> nodes)
    {
        if (nodes.Count == 0)
        {
            console.WriteLine("No nodes in the proxy.");
            return;
        }

        var table = Views.NewTable("NODE", "MEM FREE (kB)", "MEM USED (kB)", "MEM AVAILABLE (kB)", "PROC CPU (%)", "PROC MEM (kB)", "PROC VMEM (kB)", "LOAD 1/5/15", "DISK FREE (B)", "PROTECTION");
        foreach (var node in nodes)
        {
            if (node.Health is not { ValueKind: JsonValueKind.Object } health)
            {
                table.AddRow(Views.Cell(node.NodeId), Views.Cell("no health report"), Views.Cell("-"), Views.Cell("-"), Views.Cell("-"), Views.Cell("-"), Views.Cell("-"), Views.Cell("-"), Views.Cell("-"), Views.Cell("-"));
                continue;
            }

            table.AddRow(
                Views.Cell(node.NodeId),
                Views.Cell(Field(health, "mem_free")),
                Views.Cell(Field(health, "mem_used")),
                Views.Cell(Field(health, "mem_available")),
                Views.Cell(Field(health, "proc_cpu_usage")),
                Views.Cell(Field(health, "proc_memory")),
                Views.Cell(Field(health, "proc_vmemory")),
                Views.Cell($"{Load(health, "load_avg_1")} {Load(health, "load_avg_5")} {Load(health, "load_avg_15")}"),
                Views.Cell(Field(health, "disk_free_space")),
                Views.Cell(health.TryGetProperty(ProxyKeys.ProtectionField, out var protection) ? protection.ToString() : "-"));
        }

        console.Write(table);
    }

    /// <summary>Node → the instances it runs: [F] function or [R] resource, logical id, physical id, workflow and name.</summary>
    public static void NodeInstances(IAnsiConsole console, IReadOnlyList<ProxyNodeEntry> nodes, IReadOnlyList<ProxyFunctionEntry> functions)
    {
        var byNode = functions
            .SelectMany(f => f.Instances.Select(i => (Node: i.NodeId, Function: f, Instance: i)))
            .ToLookup(x => x.Node, StringComparer.Ordinal);
        var nodeIds = nodes.Select(n => n.NodeId).Union(byNode.Select(g => g.Key), StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (nodeIds.Count == 0)
        {
            console.WriteLine("No nodes in the proxy.");
            return;
        }

        var table = Views.NewTable("NODE", "KIND", "LOGICAL ID", "PHYSICAL ID", "WORKFLOW", "NAME");
        foreach (var node in nodeIds)
        {
            var rows = byNode[node].OrderBy(x => x.Function.IsResource).ThenBy(x => x.Function.LogicalId, StringComparer.Ordinal).ToList();
            if (rows.Count == 0)
            {
                table.AddRow(Views.Cell(node), Views.Cell("-"), Views.Cell("-"), Views.Cell("-"), Views.Cell("-"), Views.Cell("-"));
                continue;
            }

            foreach (var (_, function, instance) in rows)
            {
                table.AddRow(Views.Cell(node), Views.Cell(function.IsResource ? "[R]" : "[F]"), Views.Cell(function.LogicalId), Views.Cell(instance.FunctionId),
                    Views.Cell(Dash(function.WorkflowId)), Views.Cell(Dash(function.Name)));
            }
        }

        console.Write(table);
    }

    /// <summary>Logical id → physical id (one row per active instance), with the node it runs on.</summary>
    public static void LogicalToPhysical(IAnsiConsole console, IReadOnlyList<ProxyFunctionEntry> functions)
    {
        if (functions.Count == 0)
        {
            console.WriteLine("No functions in the proxy.");
            return;
        }

        var table = Views.NewTable("LOGICAL ID", "PHYSICAL ID", "NODE");
        foreach (var function in functions)
        {
            if (function.Instances.Count == 0)
            {
                table.AddRow(Views.Cell(function.LogicalId), Views.Cell("-"), Views.Cell("-"));
            }

            foreach (var instance in function.Instances)
            {
                table.AddRow(Views.Cell(function.LogicalId), Views.Cell(instance.FunctionId), Views.Cell(instance.NodeId));
            }
        }

        console.Write(table);
    }

    /// <summary>Logical id → workflow, name, kind, the nodes it runs on, its annotations (k=v) and its outputs (channel→logical id).</summary>
    public static void Functions(IAnsiConsole console, IReadOnlyList<ProxyFunctionEntry> functions)
    {
        if (functions.Count == 0)
        {
            console.WriteLine("No functions in the proxy.");
            return;
        }

        var table = Views.NewTable("LOGICAL ID", "WORKFLOW", "NAME", "KIND", "NODES", "ANNOTATIONS", "OUTPUTS");
        foreach (var f in functions)
        {
            table.AddRow(
                Views.Cell(f.LogicalId),
                Views.Cell(Dash(f.WorkflowId)),
                Views.Cell(Dash(f.Name)),
                Views.Cell(f.Kind),
                Views.Cell(Views.Join(f.Instances.Select(i => i.NodeId).Distinct(StringComparer.Ordinal))),
                Views.Cell(Views.Join(f.Annotations.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value}"))),
                Views.Cell(Views.Join(f.Dependencies.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => $"{d.Key}->{d.Value}"))));
        }

        console.Write(table);
    }

    private static string Field(JsonElement health, string name) =>
        health.TryGetProperty(name, out var value) ? (value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText()) : "-";

    // Load averages are reported times 100 (150 means 1.5).
    private static string Load(JsonElement health, string name) =>
        health.TryGetProperty(name, out var value) && value.TryGetDouble(out var load) ? (load / 100).ToString("0.00", CultureInfo.InvariantCulture) : "-";

    private static string Dash(string text) => text.Length > 0 ? text : "-";
}
