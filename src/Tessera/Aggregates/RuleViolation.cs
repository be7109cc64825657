namespace Tessera.Aggregates;

/// <summary>One violated business rule: a stable code, a message for people, and the field it concerns if any.</summary>
public sealed record RuleViolation(string Code, string Message, string? Field = null);
