namespace Granary.Runtime.Redis.Streams;

/// <summary>Thrown by a delivery when the subscribing grain is gone; the pulling agent stops without acknowledging.</summary>
internal sealed class SubscriptionEndedException(string message) : Exception(message);
