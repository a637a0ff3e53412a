namespace Granary.Executors.Container;

/// <summary>
/// A container function failed: its image is missing, its container could not start or exited, or it did not
/// answer an event in time. Thrown from a callback, it makes the node report the instance crashed.
/// </summary>
[GenerateSerializer]
public sealed class ContainerFunctionException : Exception
{
    public ContainerFunctionException(string message)
        : base(message)
    {
    }

    public ContainerFunctionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
