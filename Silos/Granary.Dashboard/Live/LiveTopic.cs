using System.Threading.Channels;

namespace Granary.Dashboard.Live;

/// <summary>
/// One live feed of the pages (workflows, nodes, functions, events): the messages published to it reach every
/// follower. A slow follower loses its oldest unread messages rather than slowing the publisher.
/// </summary>
public sealed class LiveTopic(string name, int replay = 1)
{
    private readonly Lock _gate = new();
    private readonly List<Channel<string>> _followers = [];
    private readonly Queue<string> _recent = new();

    /// <summary>The SSE event name of the topic's messages.</summary>
    public string Name { get; } = name;

    /// <summary>How many followers read the topic now.</summary>
    public int Followers
    {
        get
        {
            lock (_gate)
            {
                return _followers.Count;
            }
        }
    }

    /// <summary>Sends <paramref name="message"/> to every follower and keeps it for those who come later.</summary>
    public void Publish(string message)
    {
        lock (_gate)
        {
            _recent.Enqueue(message);
            while (_recent.Count > replay)
            {
                _recent.Dequeue();
            }

            foreach (var follower in _followers)
            {
                follower.Writer.TryWrite(message);
            }
        }
    }

    /// <summary>
    /// Starts following: the returned reader gets the kept recent messages first, then every new one, until the
    /// subscription is disposed.
    /// </summary>
    public Subscription Follow()
    {
        var channel = Channel.CreateBounded<string>(new BoundedChannelOptions(Math.Max(replay, 16)) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_gate)
        {
            foreach (var message in _recent)
            {
                channel.Writer.TryWrite(message);
            }

            _followers.Add(channel);
        }

        return new Subscription(this, channel);
    }

    private void Leave(Channel<string> channel)
    {
        lock (_gate)
        {
            _followers.Remove(channel);
        }

        channel.Writer.TryComplete();
    }

    /// <summary>A follower's place on a topic; disposing it stops following.</summary>
    public sealed class Subscription(LiveTopic topic, Channel<string> channel) : IDisposable
    {
        /// <summary>The messages, oldest first.</summary>
        public ChannelReader<string> Reader => channel.Reader;

        /// <inheritdoc />
        public void Dispose() => topic.Leave(channel);
    }
}
