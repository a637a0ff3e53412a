using System.Threading.Channels;
using Granary.Redis.Tests.Infrastructure;

namespace Granary.Redis.Tests;

public sealed class PubSubTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private readonly IRedisSubscriber _subscriber = fixture.Connection.GetSubscriber();

    [Fact]
    public async Task A_subscribed_handler_receives_published_messages_in_order()
    {
        var received = Channel.CreateUnbounded<RedisMessage>();
        await using var subscription = await _subscriber.SubscribeAsync("ps:ordered", m => received.Writer.TryWrite(m));

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(1, await _subscriber.PublishAsync("ps:ordered", i));
        }

        for (var i = 0; i < 100; i++)
        {
            var message = await received.Reader.ReadAsync().AsTask().WaitAsync(Wait);
            Assert.Equal("ps:ordered", message.Channel);
            Assert.Equal(i, (long)message.Payload);
        }
    }

    [Fact]
    public async Task A_subscription_without_handler_buffers_messages_in_its_reader()
    {
        await using var subscription = await _subscriber.SubscribeAsync("ps:reader");
        await _subscriber.PublishAsync("ps:reader", "hello");
        var message = await subscription.Messages.ReadAsync().AsTask().WaitAsync(Wait);
        Assert.Equal("hello", (string?)message.Payload);
        Assert.Null(message.Pattern);
    }

    [Fact]
    public async Task A_pattern_subscription_receives_messages_of_matching_channels_with_the_pattern()
    {
        await using var subscription = await _subscriber.PatternSubscribeAsync("ps:metrics:*");
        await _subscriber.PublishAsync("ps:other", "ignored");
        await _subscriber.PublishAsync("ps:metrics:cpu", "0.5");

        var message = await subscription.Messages.ReadAsync().AsTask().WaitAsync(Wait);
        Assert.Equal(("ps:metrics:cpu", "ps:metrics:*", "0.5"), (message.Channel, message.Pattern, message.Payload.ToString()));
    }

    [Fact]
    public async Task After_unsubscribing_the_server_has_no_subscriber_left()
    {
        var subscription = await _subscriber.SubscribeAsync("ps:leave");
        Assert.Equal(1, await _subscriber.PublishAsync("ps:leave", "x"));
        Assert.Equal("x", (string?)(await subscription.Messages.ReadAsync().AsTask().WaitAsync(Wait)).Payload);
        await subscription.UnsubscribeAsync();
        Assert.Equal(0, await _subscriber.PublishAsync("ps:leave", "y"));
        await subscription.Messages.Completion.WaitAsync(Wait);
    }

    [Fact]
    public async Task Two_subscriptions_to_one_channel_both_receive_and_one_leaving_keeps_the_other()
    {
        await using var first = await _subscriber.SubscribeAsync("ps:shared");
        var second = await _subscriber.SubscribeAsync("ps:shared");
        await _subscriber.PublishAsync("ps:shared", "both");
        Assert.Equal("both", (string?)(await first.Messages.ReadAsync().AsTask().WaitAsync(Wait)).Payload);
        Assert.Equal("both", (string?)(await second.Messages.ReadAsync().AsTask().WaitAsync(Wait)).Payload);

        await second.DisposeAsync();
        Assert.Equal(1, await _subscriber.PublishAsync("ps:shared", "first-only"));
        Assert.Equal("first-only", (string?)(await first.Messages.ReadAsync().AsTask().WaitAsync(Wait)).Payload);
    }

    [Fact]
    public async Task A_throwing_handler_does_not_stop_delivery_to_other_subscriptions()
    {
        await using var bad = await _subscriber.SubscribeAsync("ps:faulty", _ => throw new InvalidOperationException("handler bug"));
        await using var good = await _subscriber.SubscribeAsync("ps:faulty");
        await _subscriber.PublishAsync("ps:faulty", "1");
        await _subscriber.PublishAsync("ps:faulty", "2");
        Assert.Equal("1", (string?)(await good.Messages.ReadAsync().AsTask().WaitAsync(Wait)).Payload);
        Assert.Equal("2", (string?)(await good.Messages.ReadAsync().AsTask().WaitAsync(Wait)).Payload);
    }
}
