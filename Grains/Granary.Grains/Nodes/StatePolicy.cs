namespace Granary.Grains.Nodes;

/// <summary>
/// Where a function's synced state lives (function annotation <c>state_policy</c>): <c>node-local</c> (the
/// default: survives a restart of the instance on the same node) or <c>global</c> (kept in grain storage, so it
/// follows the function to another node).
/// </summary>
public static class StatePolicy
{
    public const string AnnotationName = "state_policy";
    public const string NodeLocal = "node-local";
    public const string Global = "global";
}
