using System.Collections.Concurrent;
using Granary.Grains.Nodes;

namespace Granary.Platform.Tests.Protection;

/// <summary>
/// Injected usage probes, one per node name: each reports the values a test scripted (in order), then repeats the
/// last one. Samples are stamped with the real clock, as the node's probe would.
/// </summary>
internal sealed class ScriptedUsageProbes
{
    private readonly ConcurrentDictionary<string, Probe> _probes = new(StringComparer.Ordinal);

    /// <summary>The probe of node <paramref name="name"/> (starting at 10 % of everything).</summary>
    public Probe For(string name) => _probes.GetOrAdd(name, _ => new Probe());

    internal sealed class Probe : INodeUsageProbe
    {
        private readonly Lock _lock = new();
        private readonly Queue<double> _script = new();
        private double _cpu = 10;

        /// <summary>From now on, samples report <paramref name="cpu"/> percent CPU (what was scripted is dropped).</summary>
        public void Set(double cpu)
        {
            lock (_lock)
            {
                _script.Clear();
                _cpu = cpu;
            }
        }

        /// <summary>The next samples report these CPU percentages, one each; then the last one repeats.</summary>
        public void Script(params double[] cpu)
        {
            lock (_lock)
            {
                _script.Clear();
                foreach (var value in cpu)
                {
                    _script.Enqueue(value);
                }

                _cpu = cpu[^1];
            }
        }

        public NodeUsage Sample()
        {
            double cpu;
            lock (_lock)
            {
                cpu = _script.TryDequeue(out var next) ? next : _cpu;
            }

            return Usage.Of(DateTimeOffset.UtcNow, cpu: cpu);
        }
    }
}
