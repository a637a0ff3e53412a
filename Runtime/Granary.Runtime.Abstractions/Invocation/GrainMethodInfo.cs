namespace Granary.Invocation;

/// <summary>Static facts about one grain interface method, produced by the code generator.</summary>
public sealed class GrainMethodInfo(
    Type interfaceType,
    string methodName,
    int methodId,
    bool alwaysInterleave,
    bool oneWay,
    TimeSpan? responseTimeout,
    Func<Invokable> factory)
{
    /// <summary>The interface declaring the method.</summary>
    public Type InterfaceType { get; } = interfaceType;

    /// <summary>The stable id of <see cref="InterfaceType"/> (hash of its full name).</summary>
    public int InterfaceId { get; } = GrainInterfaceRegistry.ComputeInterfaceId(interfaceType);

    public string MethodName { get; } = methodName;

    /// <summary>The stable id of the method within its interface (hash of its name and parameter types).</summary>
    public int MethodId { get; } = methodId;

    /// <summary>The method carries <see cref="AlwaysInterleaveAttribute"/>.</summary>
    public bool AlwaysInterleave { get; } = alwaysInterleave;

    /// <summary>The method carries <see cref="OneWayAttribute"/>.</summary>
    public bool OneWay { get; } = oneWay;

    /// <summary>The method's <see cref="ResponseTimeoutAttribute"/>, if any.</summary>
    public TimeSpan? ResponseTimeout { get; } = responseTimeout;

    /// <summary>Creates an empty invokable whose arguments are then read from a message.</summary>
    public Func<Invokable> Factory { get; } = factory;

    /// <summary>"Interface.Method", used in logs, errors and metric tags.</summary>
    public string DisplayName { get; } = interfaceType.Name + "." + methodName;

    public override string ToString() => DisplayName;
}
