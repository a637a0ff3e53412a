using Granary.Runtime.Testing;
using Granary.Runtime.Tests.Grains;

namespace Granary.Runtime.Tests.Cluster;

/// <summary>The cluster cases on the in-memory membership, directory and storage; also home of the helpers the cluster tests share.</summary>
public sealed class ClusterTests : ClusterTestsBase
{
    internal static async Task<T> RetryAsync<T>(Func<Task<T>> action, int attempts = 100)
    {
        for (var i = 0; ; i++)
        {
            try
            {
                return await action();
            }
            catch (Exception ex) when (ex is SiloUnavailableException or GrainCallTimeoutException && i < attempts)
            {
                await Task.Delay(100);
            }
        }
    }

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition, int timeoutMs = 10_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!await condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException("Condition not met in time.");
            }

            await Task.Delay(50);
        }
    }
}
