using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Granary.Docker.Internal;

/// <summary>
/// Reads the engine's log answer. Without a TTY the engine multiplexes stdout and stderr into frames: an
/// 8-byte header (stream type: 0 stdin, 1 stdout, 2 stderr, 3 engine error; three zero bytes; payload length,
/// big-endian uint32) followed by the payload. With a TTY the answer is the raw terminal output.
/// </summary>
internal static class DockerLogStream
{
    private const int HeaderLength = 8;

    /// <summary>
    /// Splits a multiplexed stream into stdout and stderr (stdin frames count as stdout, as the engine's own
    /// client does). Text is decoded once per stream at the end, so a character split across frames survives.
    /// Throws <see cref="InvalidDataException"/> on a malformed or truncated frame, and
    /// <see cref="DockerApiException"/> when the engine reports an error inside the stream.
    /// </summary>
    public static async Task<ContainerLogs> ReadMultiplexedAsync(Stream stream, string request, CancellationToken cancellationToken)
    {
        var stdout = new ArrayBufferWriter<byte>();
        var stderr = new ArrayBufferWriter<byte>();
        var header = new byte[HeaderLength];
        while (true)
        {
            var headerRead = await stream.ReadAtLeastAsync(header, HeaderLength, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (headerRead == 0)
            {
                break;
            }

            if (headerRead < HeaderLength)
            {
                throw new InvalidDataException($"log stream of {request} ended inside a frame header ({headerRead} of {HeaderLength} bytes)");
            }

            if (header[1] != 0 || header[2] != 0 || header[3] != 0)
            {
                throw new InvalidDataException($"log stream of {request} has a malformed frame header (bytes 1-3 must be zero); was the container created with a TTY?");
            }

            var length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4));
            if (length > int.MaxValue)
            {
                throw new InvalidDataException($"log stream of {request} announces a frame of {length} bytes");
            }

            var target = header[0] switch
            {
                0 or 1 => stdout,
                2 => stderr,
                3 => new ArrayBufferWriter<byte>(),
                _ => throw new InvalidDataException($"log stream of {request} has unknown stream type {header[0]}"),
            };
            if (length > 0)
            {
                var payload = target.GetMemory((int)length)[..(int)length];
                var payloadRead = await stream.ReadAtLeastAsync(payload, (int)length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                if (payloadRead < length)
                {
                    throw new InvalidDataException($"log stream of {request} ended inside a frame ({payloadRead} of {length} bytes)");
                }

                target.Advance((int)length);
            }

            if (header[0] == 3)
            {
                throw new DockerApiException(System.Net.HttpStatusCode.InternalServerError, Encoding.UTF8.GetString(target.WrittenSpan), request);
            }
        }

        return new ContainerLogs(Encoding.UTF8.GetString(stdout.WrittenSpan), Encoding.UTF8.GetString(stderr.WrittenSpan));
    }

    /// <summary>Reads a TTY container's raw output; the engine cannot tell stdout from stderr there, so all of it is stdout.</summary>
    public static async Task<ContainerLogs> ReadRawAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return new ContainerLogs(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length), "");
    }
}
