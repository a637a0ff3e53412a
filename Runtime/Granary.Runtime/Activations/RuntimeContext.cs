namespace Granary.Runtime.Activations;

/// <summary>
/// The activation and request a piece of code runs for, flowing with the async context. Calls made from grain code
/// read it to extend the call chain.
/// </summary>
internal sealed class RuntimeContext(ActivationData activation, GrainId[]? callChain)
{
    private static readonly AsyncLocal<RuntimeContext?> s_current = new();

    public static RuntimeContext? Current
    {
        get => s_current.Value;
        set => s_current.Value = value;
    }

    public ActivationData Activation { get; } = activation;

    public GrainId[]? CallChain { get; } = callChain;

    /// <summary>The chain to send with calls made from this context: the current chain plus this grain.</summary>
    public GrainId[] OutgoingChain()
    {
        var chain = CallChain;
        if (chain is null)
        {
            return [Activation.GrainId];
        }

        var result = new GrainId[chain.Length + 1];
        chain.CopyTo(result, 0);
        result[^1] = Activation.GrainId;
        return result;
    }
}
