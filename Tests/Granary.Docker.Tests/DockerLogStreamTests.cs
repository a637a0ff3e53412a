using System.Buffers.Binary;
using System.Net;
using System.Text;
using Granary.Docker.Internal;

namespace Granary.Docker.Tests;

public sealed class DockerLogStreamTests
{
    private const string Request = "GET /v1.41/containers/x/logs";

    [Fact]
    public async Task Multiplexed_frames_are_split_into_stdout_and_stderr_in_order()
    {
        var stream = new MemoryStream(Frames((1, "out 1\n"), (2, "err 1\n"), (1, "out 2\n"), (2, "err 2\n")));

        var logs = await DockerLogStream.ReadMultiplexedAsync(stream, Request, CancellationToken.None);

        Assert.Equal("out 1\nout 2\n", logs.Stdout);
        Assert.Equal("err 1\nerr 2\n", logs.Stderr);
    }

    [Fact]
    public async Task Frames_arriving_one_byte_at_a_time_are_reassembled()
    {
        var stream = new OneByteAtATimeStream(Frames((2, "error line\n"), (1, "output line\n")));

        var logs = await DockerLogStream.ReadMultiplexedAsync(stream, Request, CancellationToken.None);

        Assert.Equal("output line\n", logs.Stdout);
        Assert.Equal("error line\n", logs.Stderr);
    }

    [Fact]
    public async Task A_character_split_across_two_frames_is_decoded_whole()
    {
        var euro = Encoding.UTF8.GetBytes("€");
        var stream = new MemoryStream([.. Frame(1, euro[..1]), .. Frame(1, euro[1..])]);

        var logs = await DockerLogStream.ReadMultiplexedAsync(stream, Request, CancellationToken.None);

        Assert.Equal("€", logs.Stdout);
    }

    [Fact]
    public async Task An_empty_stream_means_no_output()
    {
        var logs = await DockerLogStream.ReadMultiplexedAsync(new MemoryStream(), Request, CancellationToken.None);

        Assert.Equal(new ContainerLogs("", ""), logs);
    }

    [Fact]
    public async Task A_stream_ending_inside_a_frame_raises_InvalidDataException()
    {
        var whole = Frames((1, "complete\n"), (1, "cut short\n"));
        var stream = new MemoryStream(whole[..^3]);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => DockerLogStream.ReadMultiplexedAsync(stream, Request, CancellationToken.None));

        Assert.Contains("ended inside a frame", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Raw_terminal_output_is_refused_as_a_malformed_frame()
    {
        var stream = new MemoryStream(Encoding.UTF8.GetBytes("plain tty output\n"));

        await Assert.ThrowsAsync<InvalidDataException>(() => DockerLogStream.ReadMultiplexedAsync(stream, Request, CancellationToken.None));
    }

    [Fact]
    public async Task An_engine_error_frame_raises_DockerApiException_with_its_text()
    {
        var stream = new MemoryStream(Frames((1, "before\n"), (3, "log driver failed")));

        var error = await Assert.ThrowsAsync<DockerApiException>(() => DockerLogStream.ReadMultiplexedAsync(stream, Request, CancellationToken.None));

        Assert.Equal("log driver failed", error.EngineMessage);
        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
    }

    [Fact]
    public async Task Raw_output_is_all_stdout()
    {
        var logs = await DockerLogStream.ReadRawAsync(new MemoryStream(Encoding.UTF8.GetBytes("tty says hi\r\n")), CancellationToken.None);

        Assert.Equal(new ContainerLogs("tty says hi\r\n", ""), logs);
    }

    private static byte[] Frames(params (byte Stream, string Text)[] frames) =>
        [.. frames.SelectMany(frame => Frame(frame.Stream, Encoding.UTF8.GetBytes(frame.Text)))];

    private static byte[] Frame(byte stream, byte[] payload)
    {
        var frame = new byte[8 + payload.Length];
        frame[0] = stream;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)payload.Length);
        payload.CopyTo(frame, 8);
        return frame;
    }
}
