using Microsoft.Extensions.Options;

namespace Granary.Dashboard.Live;

/// <summary>The live feeds the pages follow, by name.</summary>
public sealed class LiveTopics(IOptions<GranaryDashboardOptions> options)
{
    /// <summary>Workflows with their components, channels, states and instances.</summary>
    public LiveTopic Workflows { get; } = new("workflows");

    /// <summary>Domains and nodes: capabilities, labels, health history, cordon state, instances.</summary>
    public LiveTopic Nodes { get; } = new("nodes");

    /// <summary>Events per second and mean execution time per instance, from the performance samples.</summary>
    public LiveTopic Functions { get; } = new("functions");

    /// <summary>The platform events, one message each; a page that opens gets the recent ones first.</summary>
    public LiveTopic Events { get; } = new("event", Math.Max(1, options.Value.RecentEvents));

    /// <summary>The topic named <paramref name="name"/>, or null.</summary>
    public LiveTopic? Find(string name) => name switch
    {
        "workflows" => Workflows,
        "nodes" => Nodes,
        "functions" => Functions,
        "events" => Events,
        _ => null,
    };

    /// <summary>True while any page follows the state topics (workflows, nodes, functions).</summary>
    public bool StateFollowed => Workflows.Followers + Nodes.Followers + Functions.Followers > 0;
}
