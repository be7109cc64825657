using Tessera.Aggregates;

namespace Shop.Categories;

/// <summary>The business rules of categories.</summary>
public static class CategoryRules
{
    /// <summary>The longest category name.</summary>
    public const int MaxNameLength = 60;

    /// <summary>Rules on AddCategory alone.</summary>
    public static readonly Rule<AddCategory>[] Add =
    [
        Rule.For<AddCategory>("category.name-missing", "A category needs a name.", c => !string.IsNullOrWhiteSpace(c.Name), "name"),
        Rule.For<AddCategory>("category.name-too-long", $"A category name has at most {MaxNameLength} characters.", c => c.Name is null || c.Name.Trim().Length <= MaxNameLength, "name"),
    ];

    /// <summary>Rules on RenameCategory alone.</summary>
    public static readonly Rule<RenameCategory>[] Rename =
    [
        Rule.For<RenameCategory>("category.name-missing", "A category needs a name.", c => !string.IsNullOrWhiteSpace(c.Name), "name"),
        Rule.For<RenameCategory>("category.name-too-long", $"A category name has at most {MaxNameLength} characters.", c => c.Name is null || c.Name.Trim().Length <= MaxNameLength, "name"),
    ];

    /// <summary>Rules on claiming a name.</summary>
    public static readonly Rule<CategoryNameState, ReserveCategoryName>[] Reserve =
    [
        Rule.For<CategoryNameState, ReserveCategoryName>("category.name-taken", "Another category already has this name.", (s, c) => s.Owner is null || s.Owner == c.Owner, "name"),
    ];
}
