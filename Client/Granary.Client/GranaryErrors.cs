using Granary.Grains.Controller;

namespace Granary.Client;

/// <summary>
/// How a failed request is told to a person, the same everywhere (the <c>granary</c> command line and the live
/// pages): a workflow file's problems as the parser lists them, a rejection by the controller, an unreachable cluster.
/// </summary>
public static class GranaryErrors
{
    /// <summary>The message for <paramref name="exception"/>, without the CLI's <c>error: </c> prefix.</summary>
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            WorkflowRejectedException => "The controller rejected the workflow: " + exception.Message,
            SiloUnavailableException => "Cannot reach the cluster: " + exception.Message,
            _ => exception.Message,
        };
    }
}
