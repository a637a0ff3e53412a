using System.Buffers;
using System.Text;
using Granary.Redis.Internal;

namespace Granary.Redis.Tests;

public sealed class RespParserTests
{
    [Fact]
    public void Simple_string_error_and_integer_are_parsed()
    {
        Assert.Equal("OK", Parse("+OK\r\n").AsString());
        var error = Parse("-WRONGTYPE Operation against a key\r\n");
        Assert.True(error.IsError);
        Assert.Equal("WRONGTYPE Operation against a key", error.ErrorMessage);
        Assert.Equal(-42, Parse(":-42\r\n").AsInt64());
        Assert.Equal(long.MaxValue, Parse(":9223372036854775807\r\n").AsInt64());
    }

    [Fact]
    public void Bulk_strings_are_binary_safe_and_nil_is_null()
    {
        Assert.Equal("a\r\nb", Parse("$4\r\na\r\nb\r\n").AsString());
        Assert.Equal(string.Empty, Parse("$0\r\n\r\n").AsString());
        Assert.True(Parse("$-1\r\n").IsNull);
        Assert.True(Parse("*-1\r\n").IsNull);
    }

    [Fact]
    public void Nested_arrays_keep_their_shape()
    {
        var reply = Parse("*2\r\n*2\r\n:1\r\n$1\r\nx\r\n*0\r\n");
        Assert.Equal(RedisReplyKind.Array, reply.Kind);
        Assert.Equal(2, reply.Count);
        Assert.Equal(1, reply[0][0].AsInt64());
        Assert.Equal("x", reply[0][1].AsString());
        Assert.Equal(0, reply[1].Count);
    }

    [Fact]
    public void Resp3_scalars_null_boolean_double_big_number_and_verbatim_are_parsed()
    {
        Assert.True(Parse("_\r\n").IsNull);
        Assert.True(Parse("#t\r\n").AsBoolean());
        Assert.False(Parse("#f\r\n").AsBoolean());
        Assert.Equal(3.25, Parse(",3.25\r\n").AsDouble());
        Assert.Equal(double.PositiveInfinity, Parse(",inf\r\n").AsDouble());
        Assert.Equal(double.NegativeInfinity, Parse(",-inf\r\n").AsDouble());
        Assert.True(double.IsNaN(Parse(",nan\r\n").AsDouble()));
        var big = Parse("(3492890328409238509324850943850943825024385\r\n");
        Assert.Equal(RedisReplyKind.BigNumber, big.Kind);
        Assert.Equal("3492890328409238509324850943850943825024385", big.AsString());
        var verbatim = Parse("=15\r\ntxt:Some string\r\n");
        Assert.Equal(RedisReplyKind.VerbatimString, verbatim.Kind);
        Assert.Equal("txt", verbatim.VerbatimFormat);
        Assert.Equal("Some string", verbatim.AsString());
    }

    [Fact]
    public void Resp3_aggregates_map_set_and_push_are_parsed()
    {
        var map = Parse("%2\r\n+first\r\n:1\r\n+second\r\n:2\r\n");
        Assert.Equal(RedisReplyKind.Map, map.Kind);
        Assert.Equal(["first", "1", "second", "2"], map.Elements.Select(e => e.ToValue().ToString()));

        var set = Parse("~3\r\n+a\r\n+b\r\n+c\r\n");
        Assert.Equal(RedisReplyKind.Set, set.Kind);
        Assert.Equal(3, set.Count);

        var push = Parse(">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n");
        Assert.Equal(RedisReplyKind.Push, push.Kind);
        Assert.Equal("hi", push[2].AsString());
    }

    [Fact]
    public void Resp3_blob_error_is_an_error_reply()
    {
        var error = Parse("!21\r\nSYNTAX invalid syntax\r\n");
        Assert.True(error.IsError);
        Assert.Equal("SYNTAX invalid syntax", error.ErrorMessage);
    }

    [Fact]
    public void Resp3_attribute_is_attached_to_the_reply_that_follows_it()
    {
        var reply = Parse("|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.19\r\n*1\r\n:2039123\r\n");
        Assert.Equal(RedisReplyKind.Array, reply.Kind);
        Assert.Equal(2039123, reply[0].AsInt64());
        Assert.NotNull(reply.Attributes);
        Assert.Equal("key-popularity", reply.Attributes![0].AsString());
    }

    [Theory]
    [InlineData("+OK")]
    [InlineData("$5\r\nhel")]
    [InlineData("*2\r\n:1\r\n")]
    [InlineData("%1\r\n+k\r\n")]
    [InlineData("|1\r\n+a\r\n+b\r\n")]
    [InlineData("$5\r\nhello\r")]
    public void An_incomplete_reply_consumes_nothing_and_waits_for_more_bytes(string partial)
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(partial)));
        Assert.False(RespParser.TryParse(ref reader, out _));
    }

    [Fact]
    public void A_reply_split_across_buffer_segments_is_parsed()
    {
        var bytes = Encoding.UTF8.GetBytes("*2\r\n$5\r\nhello\r\n:12345\r\n");
        var sequence = Segments(bytes, 3);
        var reader = new SequenceReader<byte>(sequence);
        Assert.True(RespParser.TryParse(ref reader, out var reply));
        Assert.Equal("hello", reply[0].AsString());
        Assert.Equal(12345, reply[1].AsInt64());
        Assert.True(reader.End);
    }

    [Theory]
    [InlineData("?what\r\n", "unknown RESP type byte 0x3F")]
    [InlineData("$abc\r\n", "bulk string length \"abc\" is not an integer")]
    [InlineData("$-5\r\n", "invalid bulk string length -5")]
    [InlineData("$3\r\nabcde\r\n", "bulk string of 3 bytes is not followed by CRLF")]
    [InlineData(":12x\r\n", "integer \"12x\" is not a 64-bit integer")]
    [InlineData("*x\r\n", "array length \"x\" is not an integer")]
    [InlineData("#x\r\n", "boolean must be 't' or 'f'")]
    [InlineData(",abc\r\n", "\"abc\" is not a valid double")]
    [InlineData("(12a\r\n", "not a valid big number")]
    [InlineData("=3\r\nabc\r\n", "verbatim string does not start with a three-letter format")]
    [InlineData("$?\r\n", "streamed RESP3 bulk strings")]
    public void A_malformed_reply_throws_a_protocol_exception_naming_what_is_wrong(string input, string expected)
    {
        var ex = Assert.Throws<RedisProtocolException>(() => Parse(input));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_line_without_crlf_is_rejected_once_it_exceeds_the_limit()
    {
        var garbage = "+" + new string('a', RespParser.MaxLineLength + 10);
        var ex = Assert.Throws<RedisProtocolException>(() => Parse(garbage));
        Assert.Contains("no CRLF", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_rejected_instead_of_overflowing_the_stack()
    {
        var deep = string.Concat(Enumerable.Repeat("*1\r\n", RespParser.MaxDepth + 5)) + ":1\r\n";
        var ex = Assert.Throws<RedisProtocolException>(() => Parse(deep));
        Assert.Contains("nested deeper", ex.Message, StringComparison.Ordinal);
    }

    private static RedisReply Parse(string resp)
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(resp)));
        Assert.True(RespParser.TryParse(ref reader, out var reply), "the reply should be complete");
        Assert.True(reader.End, "the whole input should be consumed");
        return reply;
    }

    private static ReadOnlySequence<byte> Segments(byte[] bytes, int size)
    {
        Segment? first = null;
        Segment? last = null;
        for (var offset = 0; offset < bytes.Length; offset += size)
        {
            var memory = bytes.AsMemory(offset, Math.Min(size, bytes.Length - offset));
            last = last is null ? first = new Segment(memory, 0) : last.Append(memory);
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
