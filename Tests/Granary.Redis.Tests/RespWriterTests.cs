using System.Buffers;
using System.Text;
using Granary.Redis.Internal;

namespace Granary.Redis.Tests;

public sealed class RespWriterTests
{
    [Fact]
    public void A_command_is_written_as_an_array_of_bulk_strings()
    {
        Assert.Equal("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nvalue\r\n", Write("SET", ["k", "value"]));
    }

    [Fact]
    public void Strings_are_sent_as_utf8_with_their_byte_length()
    {
        Assert.Equal("*2\r\n$3\r\nGET\r\n$7\r\nclé€\r\n", Write("GET", ["clé€"]));
        Assert.Equal(7, Encoding.UTF8.GetByteCount("clé€"));
    }

    [Fact]
    public void Integers_doubles_bytes_and_null_are_sent_in_redis_text_form()
    {
        Assert.Equal(
            "*7\r\n$4\r\nECHO\r\n$2\r\n-5\r\n$4\r\n1.25\r\n$4\r\n+inf\r\n$4\r\n-inf\r\n$2\r\n\x01\x02\r\n$0\r\n\r\n",
            Write("ECHO", [-5L, 1.25, double.PositiveInfinity, double.NegativeInfinity, new byte[] { 1, 2 }, RedisValue.Null]));
    }

    [Fact]
    public void Redis_values_compare_by_their_wire_bytes_and_convert_between_forms()
    {
        Assert.Equal((RedisValue)"42", (RedisValue)42);
        Assert.NotEqual((RedisValue)"42", RedisValue.Null);
        Assert.NotEqual(RedisValue.EmptyString, RedisValue.Null);
        Assert.Equal(42L, (long)(RedisValue)"42");
        Assert.Equal(0.5, (double)(RedisValue)"0.5");
        Assert.Equal("abc", ((RedisValue)Encoding.UTF8.GetBytes("abc")).ToString());
        Assert.Null(RedisValue.Null.ToString());
        Assert.Throws<FormatException>(() => (long)(RedisValue)"not a number");
    }

    private static string Write(string command, RedisValue[] args)
    {
        var buffer = new ArrayBufferWriter<byte>();
        RespWriter.WriteCommand(buffer, command, args);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
