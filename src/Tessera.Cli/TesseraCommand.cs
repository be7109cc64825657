using Tessera.Storage.Embedded;

namespace Tessera.Cli;

/// <summary>Dispatches a command line to its command and turns mistakes into a message and exit code 64.</summary>
internal static class TesseraCommand
{
    public const string Usage = """
        tessera streams list  --data <folder> [--category <category>]
        tessera streams read  <stream> --data <folder> [--from <version>] [--max <n>]
        tessera events tail   --data <folder> [--after <position>] [--max <n>]
        tessera bench         [--data <folder>] [--writers <n>] [--seconds <n>]
        tessera verify        --data <folder>
        tessera repair        --data <folder>
        tessera projections status            --host <url> [--key <api key>]
        tessera projections status            --data <folder> --read-models <folder>
        tessera projections rebuild <name>    --host <url> [--key <api key>]

        A data folder is an embedded store's folder. streams, events and projections status open it read-only, beside
        a running host; verify and repair need the host stopped. --read-models is a host's read-model folder
        (Tessera:ReadModels:DataFolder), opened read-only too.
        --host is a running Shop or Lab host (read role); the key (or TESSERA_API_KEY) needs the read scope,
        and admin for rebuild.
        """;

    public static async Task<int> RunAsync(string[] argv, TextWriter output, TextWriter error)
    {
        try
        {
            var args = new Arguments(argv, new HashSet<string>(StringComparer.Ordinal));
            var words = args.Words;
            return (words.ElementAtOrDefault(0), words.ElementAtOrDefault(1)) switch
            {
                ("streams", "list") => await StoreCommands.ListStreamsAsync(args, output),
                ("streams", "read") => await StoreCommands.ReadStreamAsync(args, output),
                ("events", "tail") => await StoreCommands.TailAsync(args, output),
                ("bench", _) => await StoreCommands.BenchAsync(args, output),
                ("verify", _) => StoreCommands.Verify(args, output),
                ("repair", _) => StoreCommands.Repair(args, output),
                ("projections", "status") => await ProjectionCommands.StatusAsync(args, output),
                ("projections", "rebuild") => await ProjectionCommands.RebuildAsync(args, output, TimeSpan.FromMilliseconds(250)),
                _ => throw new UsageException("Unknown command."),
            };
        }
        catch (UsageException e)
        {
            await error.WriteLineAsync(e.Message);
            await error.WriteLineAsync(Usage);
            return 64;
        }
        catch (EmbeddedStoreCorruptedException e)
        {
            await error.WriteLineAsync(e.Message);
            return 2;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException or HttpRequestException or TaskCanceledException)
        {
            await error.WriteLineAsync(e.Message);
            return 1;
        }
    }
}
