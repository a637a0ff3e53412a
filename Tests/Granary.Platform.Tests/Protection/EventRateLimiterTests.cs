using Granary.Grains.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace Granary.Platform.Tests.Protection;

/// <summary>The cap on events per second of a limited node's instances, on a fake clock.</summary>
public sealed class EventRateLimiterTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Without_a_rate_every_event_passes_at_once()
    {
        var limiter = new EventRateLimiter(_time);

        Assert.All(Enumerable.Range(0, 100), i => Assert.True(limiter.TryTake(out _, out _)));
    }

    [Fact]
    public void At_a_rate_events_pass_one_per_interval()
    {
        var limiter = new EventRateLimiter(_time);
        limiter.SetRate(10);

        Assert.True(limiter.TryTake(out _, out _));
        Assert.False(limiter.TryTake(out var wait, out _));
        Assert.Equal(TimeSpan.FromMilliseconds(100), wait);
        _time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.False(limiter.TryTake(out wait, out _));
        Assert.Equal(TimeSpan.FromMilliseconds(1), wait);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(limiter.TryTake(out _, out _));
    }

    [Fact]
    public void An_idle_instance_saves_up_no_burst()
    {
        var limiter = new EventRateLimiter(_time);
        limiter.SetRate(10);
        Assert.True(limiter.TryTake(out _, out _));

        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.True(limiter.TryTake(out _, out _));
        Assert.False(limiter.TryTake(out _, out _));
    }

    [Fact]
    public async Task A_waiting_event_passes_once_the_clock_reaches_its_turn()
    {
        var limiter = new EventRateLimiter(_time);
        limiter.SetRate(2);
        Assert.True(limiter.TryTake(out _, out _));

        var waiting = limiter.WaitAsync(CancellationToken.None).AsTask();
        _time.Advance(TimeSpan.FromMilliseconds(400));
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(100));

        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Lifting_the_rate_releases_a_waiting_event_at_once()
    {
        var limiter = new EventRateLimiter(_time);
        limiter.SetRate(0.01);
        Assert.True(limiter.TryTake(out _, out _));
        var waiting = limiter.WaitAsync(CancellationToken.None).AsTask();
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);

        limiter.SetRate(null);

        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Null(limiter.PerSecond);
    }
}
