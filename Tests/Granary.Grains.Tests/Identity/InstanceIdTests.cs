using Granary.Grains.Identity;

namespace Granary.Grains.Tests.Identity;

public sealed class InstanceIdTests
{
    private static readonly Guid Node = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff");
    private static readonly Guid Component = Guid.Parse("ffeeddcc-bbaa-9988-7766-554433221100");

    [Fact]
    public void Abi_layout_is_node_id_then_component_id_in_text_byte_order()
    {
        var bytes = new InstanceId(Node, Component).ToBytes();

        Assert.Equal(32, bytes.Length);
        Assert.Equal(Convert.FromHexString("00112233445566778899aabbccddeeff"), bytes[..16]);
        Assert.Equal(Convert.FromHexString("ffeeddccbbaa99887766554433221100"), bytes[16..]);
    }

    [Fact]
    public void Abi_layout_reads_back_to_the_same_id()
    {
        var id = InstanceId.NewOn(Guid.NewGuid());

        Assert.Equal(id, InstanceId.FromBytes(id.ToBytes()));
    }

    [Fact]
    public void Abi_layout_of_the_wrong_length_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => InstanceId.FromBytes(new byte[31]));
        Assert.Throws<ArgumentException>(() => new InstanceId(Node, Component).WriteTo(new byte[16]));
    }

    [Fact]
    public void Text_form_parses_back()
    {
        var id = new InstanceId(Node, Component);

        Assert.Equal("00112233-4455-6677-8899-aabbccddeeff/ffeeddcc-bbaa-9988-7766-554433221100", id.ToString());
        Assert.Equal(id, InstanceId.Parse(id.ToString()));
        Assert.False(InstanceId.TryParse("not-an-id", null, out _));
    }

    [Fact]
    public void Logical_function_id_is_written_as_a_plain_uuid()
    {
        var id = new LogicalFunctionId(Node);

        Assert.Equal("00112233-4455-6677-8899-aabbccddeeff", id.ToString());
        Assert.Equal(id, LogicalFunctionId.Parse(id.ToString()));
    }
}
