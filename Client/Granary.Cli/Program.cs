namespace Granary.Cli;

/// <summary>The <c>granary</c> executable.</summary>
internal static class Program
{
    private static Task<int> Main(string[] args) => GranaryCli.RunAsync(args, Console.Out, Console.Error);
}
