using System.Globalization;

namespace Tessera.Cli;

/// <summary>The words and --options of one command line, with errors that say what is wrong.</summary>
internal sealed class Arguments
{
    private readonly List<string> _words = [];
    private readonly Dictionary<string, string> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    public Arguments(IReadOnlyList<string> args, IReadOnlySet<string> flags)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                _words.Add(arg);
            }
            else if (flags.Contains(arg))
            {
                _flags.Add(arg);
            }
            else if (i + 1 < args.Count)
            {
                _options[arg] = args[++i];
            }
            else
            {
                throw new UsageException($"{arg} needs a value.");
            }
        }
    }

    public IReadOnlyList<string> Words => _words;

    public bool Flag(string name) => _flags.Contains(name);

    public string? Option(string name) => _options.GetValueOrDefault(name);

    public string Required(string name) => Option(name) ?? throw new UsageException($"{name} is required.");

    public long Number(string name, long fallback, long min, long max)
    {
        var text = Option(name);
        if (text is null)
        {
            return fallback;
        }
        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new UsageException($"{name} takes a whole number from {min} to {max}, not '{text}'.");
    }

    public void NoOthers(params string[] known)
    {
        var unknown = _options.Keys.Where(k => !known.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException($"Unknown option {string.Join(", ", unknown)}.");
        }
    }
}

/// <summary>The command line is wrong; the message says how.</summary>
internal sealed class UsageException(string message) : Exception(message);
