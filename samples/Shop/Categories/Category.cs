using Tessera.Aggregates;

namespace Shop.Categories;

/// <summary>What a category's decisions need to know.</summary>
public sealed record CategoryState
{
    /// <summary>The category's name as shown.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>Applies CategoryAdded.</summary>
    public CategoryState When(CategoryAdded e) => this with { Name = e.Name };

    /// <summary>Applies CategoryRenamed.</summary>
    public CategoryState When(CategoryRenamed e) => this with { Name = e.Name };
}

/// <summary>A product category.</summary>
public sealed class Category : Aggregate<CategoryId, CategoryState>
{
    /// <summary>The stream category of categories.</summary>
    public const string StreamCategory = "category";

    /// <summary>Adds the category.</summary>
    public void When(AddCategory command) => Raise(new CategoryAdded(command.Id, command.Name.Trim()));

    /// <summary>Renames the category; the same name again changes nothing.</summary>
    public void When(RenameCategory command)
    {
        var name = command.Name.Trim();
        if (name != State.Name)
        {
            Raise(new CategoryRenamed(command.Id, name, State.Name));
        }
    }
}

/// <summary>Who holds a category name.</summary>
public sealed record CategoryNameState
{
    /// <summary>The category holding the name, if any.</summary>
    public CategoryId? Owner { get; init; }

    /// <summary>Applies CategoryNameReserved.</summary>
    public CategoryNameState When(CategoryNameReserved e) => this with { Owner = e.Owner };

    /// <summary>Applies CategoryNameReleased.</summary>
    public CategoryNameState When(CategoryNameReleased e) => this with { Owner = null };
}

/// <summary>
/// One category name: a stream per normalized name whose append with optimistic concurrency makes names unique
/// without a global lock or a read model that could lag.
/// </summary>
public sealed class CategoryName : Aggregate<CategoryNameId, CategoryNameState>
{
    /// <summary>The stream category of category names.</summary>
    public const string StreamCategory = "categoryname";

    /// <summary>Claims the name; claiming it again for the same owner changes nothing.</summary>
    public void When(ReserveCategoryName command)
    {
        if (State.Owner != command.Owner)
        {
            Raise(new CategoryNameReserved(command.Id, command.Owner));
        }
    }

    /// <summary>Gives up the name if this owner holds it.</summary>
    public void When(ReleaseCategoryName command)
    {
        if (State.Owner == command.Owner)
        {
            Raise(new CategoryNameReleased(command.Id, command.Owner));
        }
    }
}
