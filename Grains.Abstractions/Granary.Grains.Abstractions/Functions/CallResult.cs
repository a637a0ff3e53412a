namespace Granary.Grains.Functions;

/// <summary>The answer to a call: a reply with bytes, no reply, or an error with a message.</summary>
[GenerateSerializer]
[Immutable]
public sealed record CallResult([property: Id(0)] CallResultKind Kind, [property: Id(1)] byte[] Payload)
{
    /// <summary>The function chose not to reply.</summary>
    public static readonly CallResult NoReply = new(CallResultKind.NoReply, []);

    public static CallResult Reply(byte[] payload) => new(CallResultKind.Reply, payload);

    public static CallResult Reply(string text) => new(CallResultKind.Reply, System.Text.Encoding.UTF8.GetBytes(text));

    public static CallResult Error(string message) => new(CallResultKind.Error, System.Text.Encoding.UTF8.GetBytes(message));

    /// <summary>The payload as UTF-8 text.</summary>
    public string Text => System.Text.Encoding.UTF8.GetString(Payload);
}
