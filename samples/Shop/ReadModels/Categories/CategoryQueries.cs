using Dapper;
using Shop.Categories;
using Tessera.Queries;

namespace Shop.ReadModels.Categories;

/// <summary>One category in the list, with how many products it has.</summary>
public sealed record CategoryListItem
{
    /// <summary>The category's id.</summary>
    public Guid CategoryId { get; init; }

    /// <summary>Its name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>How many products it has.</summary>
    public int ProductCount { get; init; }
}

/// <summary>Whether a name is free for a new category (the AddCategory command still enforces it).</summary>
/// <param name="Name">The name asked about.</param>
/// <param name="CanAdd">True when no category uses the name (compared ignoring case and extra spaces).</param>
/// <param name="Reason">Why not, when it cannot be added.</param>
public sealed record CategoryNameCheck(string Name, bool CanAdd, string? Reason);

/// <summary>Every category by name, with product counts.</summary>
public sealed record ListCategories : IQuery<IReadOnlyList<CategoryListItem>>;

/// <summary>Asks before sending AddCategory whether the name is free.</summary>
public sealed record CanAddCategory(string Name) : IQuery<CategoryNameCheck>;

/// <summary>Answers the category queries.</summary>
internal sealed class CategoryQueries : IQueryHandler<ListCategories, IReadOnlyList<CategoryListItem>>, IQueryHandler<CanAddCategory, CategoryNameCheck>
{
    public async ValueTask<IReadOnlyList<CategoryListItem>> HandleAsync(ListCategories query, QueryContext context)
    {
        await using var connection = await context.OpenConnectionAsync();
        var rows = await connection.QueryAsync<CategoryListItem>(new CommandDefinition(
            "SELECT category_id AS CategoryId, name AS Name, product_count AS ProductCount FROM category_list ORDER BY name, category_id",
            cancellationToken: context.CancellationToken));
        return [.. rows];
    }

    public async ValueTask<CategoryNameCheck> HandleAsync(CanAddCategory query, QueryContext context)
    {
        if (string.IsNullOrWhiteSpace(query.Name) || query.Name.Trim().Length > CategoryRules.MaxNameLength)
        {
            return new CategoryNameCheck(query.Name ?? string.Empty, false, $"A category name has 1 to {CategoryRules.MaxNameLength} characters.");
        }
        await using var connection = await context.OpenConnectionAsync();
        var taken = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM category_names WHERE name_key = @Key", new { Key = CategoryNameId.For(query.Name).Value }, cancellationToken: context.CancellationToken));
        return taken == 0 ? new CategoryNameCheck(query.Name, true, null) : new CategoryNameCheck(query.Name, false, "A category with this name exists.");
    }
}
