namespace Granary.Runtime.Messaging;

/// <summary>The kinds of frames exchanged between silos and clients.</summary>
internal enum MessageKind : byte
{
    Request = 1,
    OneWay = 2,
    Response = 3,
    Ping = 4,
    Pong = 5,
}
