using System.Reflection;
using Granary.Benchmarks;

// Usage: dotnet run -c Release --project bench/Granary.Benchmarks -- SUITE [suite arguments]
// Each suite prints one JSON object per metric on stdout (see ../shared/BENCH.md) and a table on stderr.
var suites = typeof(Program).Assembly.GetTypes()
    .Where(t => typeof(IBenchmarkSuite).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
    .Select(t => (IBenchmarkSuite)Activator.CreateInstance(t)!)
    .ToDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);

if (args.Length == 0 || !suites.TryGetValue(args[0], out var suite))
{
    Console.Error.WriteLine($"usage: Granary.Benchmarks SUITE [args]; suites: {string.Join(", ", suites.Keys.Order())}");
    return 2;
}

using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
var report = new BenchReport(Console.Out, Console.Error);
await suite.RunAsync(args[1..], report, cts.Token);
report.PrintTable();
return 0;

internal sealed partial class Program;
