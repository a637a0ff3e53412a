using Granary.Invocation;
using Granary.Serialization;

namespace Granary.Runtime.Messaging;

/// <summary>
/// The wire format of frames (after the 4-byte little-endian length prefix):
/// <c>version:u8 kind:u8 id:varint</c>, then per kind: a request has <c>target:GrainId interface:varint
/// method:varint timeoutMs:varint forwardCount:varint chainLength:varint chain:GrainId* arguments</c>; a response has
/// <c>status:u8</c> and the result, exception or rejection. Version 1 is the only version so far; a peer accepts
/// frames of its own and the previous version (see <see cref="ProtocolVersion"/>).
/// </summary>
internal static class MessageCodec
{
    public static void Write(GrainWriter writer, Message message, byte version)
    {
        writer.WriteByte(version);
        writer.WriteByte((byte)message.Kind);
        writer.WriteVarUInt64((ulong)message.Id);
        switch (message.Kind)
        {
            case MessageKind.Request or MessageKind.OneWay:
                var body = message.Body!;
                Codec<GrainId>.Write(writer, message.Target);
                writer.WriteVarInt32(body.Method.InterfaceId);
                writer.WriteVarInt32(body.Method.MethodId);
                writer.WriteVarInt64(message.TimeoutMs);
                writer.WriteVarInt32(message.ForwardCount);
                var chain = message.CallChain;
                writer.WriteVarUInt32((uint)(chain?.Length ?? 0));
                if (chain is not null)
                {
                    foreach (var g in chain)
                    {
                        Codec<GrainId>.Write(writer, g);
                    }
                }

                body.WriteArguments(writer);
                break;
            case MessageKind.Response:
                writer.WriteByte((byte)message.Status);
                switch (message.Status)
                {
                    case ResponseStatus.Ok:
                        // Result bytes are written by the caller (it knows the invokable).
                        break;
                    case ResponseStatus.Error:
                        ExceptionCodec.WriteException(writer, message.Exception!);
                        break;
                    default:
                        writer.WriteNullableString(message.RejectionReason);
                        writer.WriteBool(message.ForwardTo is not null);
                        message.ForwardTo?.Write(writer);
                        break;
                }

                break;
        }
    }

    /// <summary>Writes a successful response including its result.</summary>
    public static void WriteOkResponse(GrainWriter writer, long id, Invokable invokable, object? result, byte version)
    {
        writer.WriteByte(version);
        writer.WriteByte((byte)MessageKind.Response);
        writer.WriteVarUInt64((ulong)id);
        writer.WriteByte((byte)ResponseStatus.Ok);
        invokable.WriteResult(writer, result);
    }

    /// <summary>Reads the common header; returns the kind and id, leaving the reader at the kind-specific part.</summary>
    public static (MessageKind Kind, long Id) ReadHeader(GrainReader reader)
    {
        var version = reader.ReadByte();
        if (!ProtocolVersion.CanRead(version))
        {
            throw new SerializationException($"Unsupported message version {version}; this silo reads versions {ProtocolVersion.Min}..{ProtocolVersion.Max}.");
        }

        var kind = (MessageKind)reader.ReadByte();
        if (kind is < MessageKind.Request or > MessageKind.Pong)
        {
            throw new SerializationException($"Unknown message kind {(byte)kind}.");
        }

        return (kind, (long)reader.ReadVarUInt64());
    }

    public static Message ReadRequest(GrainReader reader, MessageKind kind, long id)
    {
        var target = Codec<GrainId>.Read(reader);
        var interfaceId = reader.ReadVarInt32();
        var methodId = reader.ReadVarInt32();
        var timeoutMs = reader.ReadVarInt64();
        var forwardCount = reader.ReadVarInt32();
        var chainLength = reader.ReadCount(2);
        GrainId[]? chain = null;
        if (chainLength > 0)
        {
            chain = new GrainId[chainLength];
            for (var i = 0; i < chainLength; i++)
            {
                chain[i] = Codec<GrainId>.Read(reader);
            }
        }

        if (!GrainInterfaceRegistry.TryGetMethod(interfaceId, methodId, out var method))
        {
            throw new UnknownMethodException(id, target, interfaceId, methodId);
        }

        var body = method!.Factory();
        body.ReadArguments(reader);
        return new Message { Kind = kind, Id = id, Target = target, Body = body, TimeoutMs = timeoutMs, CallChain = chain, ForwardCount = forwardCount };
    }

    /// <summary>Reads a response; <paramref name="invokable"/> (the pending call's) reads an Ok result.</summary>
    public static Message ReadResponse(GrainReader reader, long id, Invokable? invokable)
    {
        var status = (ResponseStatus)reader.ReadByte();
        switch (status)
        {
            case ResponseStatus.Ok:
                return new Message { Kind = MessageKind.Response, Id = id, Status = status, Result = invokable?.ReadResult(reader) };
            case ResponseStatus.Error:
                return new Message { Kind = MessageKind.Response, Id = id, Status = status, Exception = ExceptionCodec.ReadException(reader) };
            case ResponseStatus.NotHere or ResponseStatus.Unavailable:
                var reason = reader.ReadNullableString();
                var forward = reader.ReadBool() ? SiloAddress.Read(reader) : null;
                return new Message { Kind = MessageKind.Response, Id = id, Status = status, RejectionReason = reason, ForwardTo = forward };
            default:
                throw new SerializationException($"Unknown response status {(byte)status}.");
        }
    }
}

/// <summary>A request named a method this process does not know (a newer peer, or a missing assembly).</summary>
internal sealed class UnknownMethodException(long id, GrainId target, int interfaceId, int methodId)
    : Exception($"Unknown grain method (interface id {interfaceId}, method id {methodId}) for {target}: the receiving silo does not have this interface version.")
{
    public long RequestId { get; } = id;
}
