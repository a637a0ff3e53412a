using System.Globalization;
using Granary.Grains.Controller;
using Granary.Grains.Jobs;
using Granary.Grains.Platform;
using Spectre.Console;

namespace Granary.Cli;

/// <summary>Renders cluster answers as plain tables (no colours, so output reads the same in a pipe or a test).</summary>
internal static class Views
{
    public static void Workflows(IAnsiConsole console, IReadOnlyList<WorkflowInfo> workflows)
    {
        if (workflows.Count == 0)
        {
            console.WriteLine("No workflows.");
            return;
        }

        var table = NewTable("WORKFLOW", "STATE", "DOMAIN", "COMPONENTS", "STARTED (UTC)");
        foreach (var w in workflows)
        {
            table.AddRow(Cell(w.WorkflowId), Cell(w.State.ToString()), Cell(w.DomainId ?? "-"), Cell(w.ComponentCount.ToString(CultureInfo.InvariantCulture)),
                Cell(w.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)));
        }

        console.Write(table);
    }

    public static void Workflow(IAnsiConsole console, WorkflowDetails details)
    {
        var w = details.Workflow;
        console.WriteLine($"Workflow {w.WorkflowId}: {w.State}, domain {w.DomainId ?? "-"}{(w.Outcome is { } outcome ? " (" + outcome + ")" : string.Empty)}");
        var table = NewTable("COMPONENT", "KIND", "DOMAIN", "LOGICAL ID", "INSTANCES (NODE/INSTANCE)", "STATUS");
        foreach (var c in details.Components)
        {
            var status = c.Instances.Count > 0 ? "running" : c.UnplacedReason is { } why ? "unplaced: " + why : "not running";
            table.AddRow(Cell(c.Name), Cell(c.Kind), Cell(c.DomainId ?? "-"), Cell(c.LogicalId?.ToString() ?? "-"),
                Cell(c.Instances.Count == 0 ? "-" : string.Join(Environment.NewLine, c.Instances)), Cell(status));
        }

        console.Write(table);
        Tasks(console, details.Components.Where(c => c.Tasks.Count > 0).Select(c => (c.Name, (IReadOnlyList<TaskInfo>)c.Tasks)));
    }

    /// <summary>The tasks of each component: slot, state, instance, restarts, exit code, last failure, next restart.</summary>
    public static void Tasks(IAnsiConsole console, IEnumerable<(string Component, IReadOnlyList<TaskInfo> Tasks)> components)
    {
        var rows = components.SelectMany(c => c.Tasks.Select(t => (c.Component, Task: t))).ToList();
        if (rows.Count == 0)
        {
            return;
        }

        var table = NewTable("COMPONENT", "TASK", "STATE", "INSTANCE (NODE/INSTANCE)", "RESTARTS", "EXIT CODE", "LAST FAILURE", "RESTART AT (UTC)");
        foreach (var (component, task) in rows)
        {
            table.AddRow(
                Cell(component),
                Cell(task.Slot.ToString(CultureInfo.InvariantCulture)),
                Cell(task.State.ToString()),
                Cell(task.Instance?.ToString() ?? "-"),
                Cell(task.Restarts.ToString(CultureInfo.InvariantCulture)),
                Cell(task.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "-"),
                Cell(task.LastFailure ?? "-"),
                Cell(task.RestartAt?.UtcDateTime.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture) ?? "-"));
        }

        console.Write(table);
    }

    public static void Domains(IAnsiConsole console, IReadOnlyList<DomainInfo> domains)
    {
        if (domains.Count == 0)
        {
            console.WriteLine("No domains are registered.");
            return;
        }

        var table = NewTable("DOMAIN", "NODES", "RUNTIMES", "RESOURCE CLASSES", "WORKFLOWS");
        foreach (var d in domains)
        {
            table.AddRow(Cell(d.DomainId), Cell(d.NodeCount.ToString(CultureInfo.InvariantCulture)), Cell(Join(d.Runtimes)), Cell(Join(d.ResourceClasses)),
                Cell(d.WorkflowCount.ToString(CultureInfo.InvariantCulture)));
        }

        console.Write(table);
    }

    public static void Domain(IAnsiConsole console, DomainSummary domain)
    {
        console.WriteLine($"Domain {domain.DomainId}: runtimes {Join(domain.Runtimes)}; resource classes {Join(domain.ResourceClasses)}; workflows {Join(domain.Workflows)}");
        Nodes(console, domain.Nodes);
    }

    public static void Nodes(IAnsiConsole console, IReadOnlyList<NodeSummary> nodes)
    {
        if (nodes.Count == 0)
        {
            console.WriteLine("No nodes.");
            return;
        }

        var table = NewTable("NODE", "NAME", "DOMAIN", "RUNTIMES", "RESOURCE CLASSES", "LABELS", "CORDONED", "PROTECTION");
        foreach (var n in nodes)
        {
            table.AddRow(Cell(n.NodeId.ToString("D")), Cell(n.Name.Length > 0 ? n.Name : "-"), Cell(n.DomainId), Cell(Join(n.Runtimes)), Cell(Join(n.ResourceClasses)), Cell(Join(n.Labels)),
                Cell(n.Cordoned ? "yes" : "no"), Cell(n.Protection.ToString().ToLowerInvariant()));
        }

        console.Write(table);
    }

    public static void Node(IAnsiConsole console, NodeDetails details)
    {
        Nodes(console, [details.Node]);
        if (details.Instances.Count == 0)
        {
            console.WriteLine("No instances.");
            return;
        }

        var table = NewTable("INSTANCE", "WORKFLOW", "COMPONENT", "LOGICAL ID", "EVENTS");
        foreach (var i in details.Instances)
        {
            table.AddRow(Cell(i.Id.ComponentId.ToString("D")), Cell(i.WorkflowId), Cell(i.Component), Cell(i.LogicalId.ToString()), Cell(i.Events.ToString(CultureInfo.InvariantCulture)));
        }

        console.Write(table);
    }

    public static void Function(IAnsiConsole console, LogicalFunctionDetails details)
    {
        var r = details.Record;
        console.WriteLine($"{(r.IsResource ? "Resource" : "Function")} {r.Component} ({r.Kind}) of workflow {r.WorkflowId} in domain {r.DomainId}");
        console.WriteLine($"Logical id {r.LogicalId}; instances {r.Instances.Length} of {r.DesiredInstances}{(r.UnplacedReason is { } why ? "; unplaced: " + why : string.Empty)}");
        console.WriteLine(details.StateBytes is { } bytes
            ? $"Global state: {bytes.ToString(CultureInfo.InvariantCulture)} bytes, saved {details.StateSavedAt!.Value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC"
            : "Global state: none stored");
        var table = NewTable("INSTANCE (NODE/INSTANCE)", "OUTPUT", "FEEDS (LOGICAL ID)");
        var outputs = r.Outputs.OrderBy(o => o.Key, StringComparer.Ordinal).ToList();
        for (var row = 0; row < Math.Max(Math.Max(r.Instances.Length, outputs.Count), 1); row++)
        {
            table.AddRow(
                Cell(row < r.Instances.Length ? r.Instances[row].ToString() : row == 0 ? "-" : string.Empty),
                Cell(row < outputs.Count ? outputs[row].Key : row == 0 ? "-" : string.Empty),
                Cell(row < outputs.Count ? outputs[row].Value.ToString() : row == 0 ? "-" : string.Empty));
        }

        console.Write(table);
        if (!r.IsResource)
        {
            console.WriteLine($"Tasks: {r.TaskSettings}");
            Tasks(console, [(r.Component, r.Tasks)]);
        }
    }

    internal static Table NewTable(params string[] headers)
    {
        var table = new Table().Border(TableBorder.Simple);
        foreach (var header in headers)
        {
            table.AddColumn(new TableColumn(header) { NoWrap = true });
        }

        return table;
    }

    // Text is never markup: ids and reasons may contain brackets.
    internal static Text Cell(string value) => new(value);

    internal static string Join(IEnumerable<string> values) => values.Any() ? string.Join(", ", values) : "-";

    /// <summary>One line per event: time, domain, kind, and the event's fields as JSON.</summary>
    public static string Event(string domain, Grains.Events.PlatformEvent e) =>
        $"{e.Timestamp.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ} {domain} {e.GetType().Name} {System.Text.Json.JsonSerializer.Serialize(e, e.GetType())}";
}
