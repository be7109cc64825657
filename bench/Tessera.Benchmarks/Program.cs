using BenchmarkDotNet.Running;

namespace Tessera.Benchmarks;

/// <summary>
/// Benchmarks and load harnesses. "dispatch" and the other BenchmarkDotNet suites run through the switcher;
/// load harnesses that need many concurrent writers and percentiles are subcommands of their own.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var rest = args.Skip(1).ToArray();
        switch (args.FirstOrDefault())
        {
            case "postgres":
                return await PostgresAppendLoad.RunAsync(rest);
            case "store":
                return await Store.StoreBench.RunAsync(rest);
            case "fanout":
                return await FanOut.FanOutHarness.RunAsync(rest);
            case "readside":
                return await ReadSide.ReadSideHarness.RunAsync(rest);
            default:
                BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
                return 0;
        }
    }
}
