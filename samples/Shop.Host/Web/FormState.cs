using Tessera.Aggregates;

namespace Shop.Host.Web;

/// <summary>What a form shows after a post: the values typed, every violated rule, and any other problem in words.</summary>
public sealed record FormState(IReadOnlyDictionary<string, string?> Values, IReadOnlyList<RuleViolation> Violations, string? Problem, bool Conflict)
{
    public static readonly FormState Empty = new(new Dictionary<string, string?>(), [], null, false);

    public string? this[string field] => Values.GetValueOrDefault(field);

    /// <summary>The violations of one field.</summary>
    public IEnumerable<RuleViolation> Of(string field) => Violations.Where(v => string.Equals(v.Field, field, StringComparison.OrdinalIgnoreCase));

    /// <summary>The violations that concern none of the form's fields.</summary>
    public IEnumerable<RuleViolation> Others(params string[] fields) =>
        Violations.Where(v => v.Field is null || !fields.Contains(v.Field, StringComparer.OrdinalIgnoreCase));
}
