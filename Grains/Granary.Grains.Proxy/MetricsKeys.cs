using System.Globalization;
using Granary.Grains.Identity;

namespace Granary.Grains.Proxy;

/// <summary>
/// The key layout of the application metrics the <c>metrics-collector</c> resource stores in the proxy Redis
/// (../shared/REFERENCE.md section 5, as the seed documents it):
/// <list type="bullet">
/// <item><c>function:LID:average</c>: smoothed duration in ms of the function's begin/end pairs, per logical function;</item>
/// <item><c>function:PID:samples</c>: list of <c>ms,timestamp</c> per physical instance (the instance that cast them);</item>
/// <item><c>workflow:WF_NAME:average</c> and <c>workflow:WF_NAME:samples</c>: the same for the collector's <c>wf_name</c>.</item>
/// </list>
/// A sample is the whole number of milliseconds between the begin and the end event reaching the collector, then the
/// time the end arrived in seconds since the Unix epoch with millisecond precision (<c>849,1718287852.177</c>). New
/// samples are pushed at the head (LPUSH), so <c>LRANGE key 0 4</c> gives the five most recent.
/// </summary>
public static class MetricsKeys
{
    /// <summary>The output channel functions cast their metric events on.</summary>
    public const string Channel = "metric";

    public static string FunctionAverage(LogicalFunctionId lid) => "function:" + lid + ":average";

    /// <summary>The samples of one physical instance (its component id, as in <c>performance:function_execution_time:PID</c>).</summary>
    public static string FunctionSamples(InstanceId pid) => "function:" + pid.ComponentId.ToString("D") + ":samples";

    public static string WorkflowAverage(string workflowName) => "workflow:" + workflowName + ":average";

    public static string WorkflowSamples(string workflowName) => "workflow:" + workflowName + ":samples";

    /// <summary>A sample as stored: whole milliseconds, a comma, then seconds since the epoch with three decimals.</summary>
    public static string Sample(long milliseconds, DateTimeOffset at) =>
        string.Create(CultureInfo.InvariantCulture, $"{milliseconds},{at.ToUnixTimeMilliseconds() / 1000.0:0.000}");

    /// <summary>Reads a sample written by <see cref="Sample"/>; false for any other text.</summary>
    public static bool TryParseSample(string text, out long milliseconds, out DateTimeOffset at)
    {
        milliseconds = 0;
        at = default;
        var comma = text.IndexOf(',', StringComparison.Ordinal);
        if (comma < 0 ||
            !long.TryParse(text.AsSpan(0, comma), NumberStyles.Integer, CultureInfo.InvariantCulture, out milliseconds) ||
            !double.TryParse(text.AsSpan(comma + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            return false;
        }

        at = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000));
        return true;
    }

    /// <summary>An average as stored: invariant culture, round-trip precision.</summary>
    public static string Average(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
