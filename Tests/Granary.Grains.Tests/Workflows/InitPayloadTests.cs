using Granary.Grains.Workflows;

namespace Granary.Grains.Tests.Workflows;

public sealed class InitPayloadTests
{
    [Fact]
    public void Parse_splits_items_at_commas_and_keys_at_the_first_equals_sign()
    {
        var values = InitPayload.Parse("message=hello world,period=1000,expr=a=b");

        Assert.Equal("hello world", values["message"]);
        Assert.Equal("1000", values["period"]);
        Assert.Equal("a=b", values["expr"]);
    }

    [Fact]
    public void Parse_keeps_an_item_without_value_as_an_empty_value_and_skips_empty_items()
    {
        var values = InitPayload.Parse("flag,,seed=42");

        Assert.Equal(2, values.Count);
        Assert.Equal(string.Empty, values["flag"]);
    }

    [Fact]
    public void Parse_of_null_or_empty_is_empty()
    {
        Assert.Empty(InitPayload.Parse(null));
        Assert.Empty(InitPayload.Parse(string.Empty));
    }

    [Fact]
    public void Format_writes_the_convention_back()
    {
        var text = InitPayload.Format([new("seed", "42"), new("is_client", "true")]);

        Assert.Equal("seed=42,is_client=true", text);
    }

    [Fact]
    public void Format_rejects_a_value_with_a_comma()
    {
        Assert.Throws<ArgumentException>(() => InitPayload.Format([new("list", "1,2")]));
    }
}
