using Granary.Grains.Identity;
using Granary.Grains.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace Granary.Platform.Tests.Nodes;

public sealed class InboundOrderTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly InboundOrder _order;
    private readonly List<string> _delivered = [];
    private readonly InstanceId _source = new(Guid.NewGuid(), Guid.NewGuid());

    public InboundOrderTests() => _order = new InboundOrder(_time);

    public void Dispose() => _order.Dispose();

    [Fact]
    public void Messages_arriving_out_of_order_are_delivered_in_the_order_they_were_sent()
    {
        var remote = new RemoteNode(null!, _time);
        var numbers = Enumerable.Range(1, 4).Select(_ => remote.Next(_source)).ToList();

        Receive(numbers[2], "c");
        Receive(numbers[0], "a");
        Receive(numbers[3], "d");
        Assert.Equal(["a"], _delivered);
        Receive(numbers[1], "b");

        Assert.Equal(["a", "b", "c", "d"], _delivered);
    }

    [Fact]
    public void Messages_behind_a_gap_that_never_closes_are_delivered_by_the_sweep_without_another_message()
    {
        var remote = new RemoteNode(null!, _time);
        var first = remote.Next(_source);
        var lost = remote.Next(_source);
        var third = remote.Next(_source);
        var fourth = remote.Next(_source);

        Receive(first, "a");
        Receive(fourth, "d");
        Receive(third, "c");
        _time.Advance(InboundOrder.GapTimeout);
        Assert.Equal(["a"], _delivered);

        _time.Advance(InboundOrder.SweepPeriod);

        Assert.Equal(["a", "c", "d"], _delivered);
        Receive(lost, "b (late)");
        Assert.Equal(["a", "c", "d", "b (late)"], _delivered);
    }

    [Fact]
    public void A_sender_silent_for_minutes_starts_a_new_run_and_its_next_message_does_not_wait()
    {
        var remote = new RemoteNode(null!, _time);
        Receive(remote.Next(_source), "a");
        Receive(remote.Next(_source), "b");

        _time.Advance(MessageNumber.NewRunAfter);
        var next = remote.Next(_source);
        Receive(next, "c");

        Assert.Equal(1, MessageNumber.Position(next));
        Assert.Equal(["a", "b", "c"], _delivered);
    }

    [Fact]
    public void A_silent_sender_is_forgotten_and_delivered_from_at_once_when_it_speaks_again()
    {
        var remote = new RemoteNode(null!, _time);
        Receive(remote.Next(_source), "a");
        Assert.Equal(1, _order.SenderCount);

        _time.Advance(InboundOrder.ForgetAfter);

        Assert.Equal(0, _order.SenderCount);
        Receive(remote.Next(_source), "b");
        Assert.Equal(["a", "b"], _delivered);
    }

    [Fact]
    public void A_new_run_overtaking_the_end_of_the_old_one_delivers_the_old_ones_first()
    {
        var remote = new RemoteNode(null!, _time);
        Receive(remote.Next(_source), "a");
        remote.Next(_source);
        var waiting = remote.Next(_source);
        Receive(waiting, "c");

        _time.Advance(MessageNumber.NewRunAfter);
        Receive(remote.Next(_source), "d");

        Assert.Equal(["a", "c", "d"], _delivered);
    }

    private void Receive(long number, string what) => _order.Receive(_source, number, () => _delivered.Add(what));
}
