using System.Reflection;
using System.Runtime.ExceptionServices;

namespace Granary.Serialization;

/// <summary>
/// Exceptions travel as type name, message, stack trace and inner exception. The reader re-creates the same type
/// when it is known here and has a (string) or (string, Exception) constructor, with the remote stack trace
/// attached; otherwise it produces a <see cref="RemoteGrainException"/> that keeps all three.
/// </summary>
internal sealed class ExceptionCodec<T> : IFieldCodec<T>
{
    public void Write(GrainWriter writer, T value) => ExceptionCodec.WriteException(writer, (Exception)(object)value!);

    public T Read(GrainReader reader)
    {
        var exception = ExceptionCodec.ReadException(reader);
        return exception is T typed ? typed : throw new SerializationException($"Expected an exception of type {typeof(T)}, got {exception.GetType()}: {exception.Message}");
    }
}

/// <summary>Non-generic helpers shared by exception codecs and the runtime's response path.</summary>
public static class ExceptionCodec
{
    private const int MaxDepth = 8;

    public static void WriteException(GrainWriter writer, Exception exception) => Write(writer, exception, 0);

    private static void Write(GrainWriter writer, Exception exception, int depth)
    {
        var type = exception is RemoteGrainException remote ? remote.OriginalType : TypeNames.Format(exception.GetType());
        writer.WriteString(type);
        writer.WriteString(exception.Message);
        writer.WriteNullableString(exception.StackTrace);
        var inner = depth < MaxDepth ? exception.InnerException : null;
        writer.WriteBool(inner is not null);
        if (inner is not null)
        {
            Write(writer, inner, depth + 1);
        }
    }

    public static Exception ReadException(GrainReader reader) => Read(reader, 0);

    private static Exception Read(GrainReader reader, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new SerializationException("Exception nesting too deep.");
        }

        var typeName = reader.ReadString();
        var message = reader.ReadString();
        var stackTrace = reader.ReadNullableString();
        var inner = reader.ReadBool() ? Read(reader, depth + 1) : null;
        var exception = TryCreate(typeName, message, inner) ?? new RemoteGrainException(typeName, message, stackTrace);
        if (stackTrace is not null && exception is not RemoteGrainException)
        {
            exception = ExceptionDispatchInfo.SetRemoteStackTrace(exception, stackTrace);
        }

        return exception;
    }

    private static Exception? TryCreate(string typeName, string message, Exception? inner)
    {
        Type type;
        try
        {
            type = TypeNames.Resolve(typeName);
        }
        catch (SerializationException)
        {
            return null;
        }

        if (!typeof(Exception).IsAssignableFrom(type) || type.IsAbstract)
        {
            return null;
        }

        try
        {
            if (inner is not null && type.GetConstructor(BindingFlags.Public | BindingFlags.Instance, [typeof(string), typeof(Exception)]) is { } withInner)
            {
                return (Exception)withInner.Invoke([message, inner]);
            }

            if (type.GetConstructor(BindingFlags.Public | BindingFlags.Instance, [typeof(string)]) is { } withMessage)
            {
                return (Exception)withMessage.Invoke([message]);
            }
        }
        catch (TargetInvocationException)
        {
            return null;
        }

        return null;
    }
}
