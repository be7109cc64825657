using Tessera.Messages;

namespace Shop.Categories;

/// <summary>Adds a product category; its name must be unique.</summary>
public sealed record AddCategory(CategoryId Id, string Name) : ICommand<CategoryId>;

/// <summary>Renames a category; the new name must be unique.</summary>
public sealed record RenameCategory(CategoryId Id, string Name) : ICommand<CategoryId>;

/// <summary>A category was added.</summary>
public sealed record CategoryAdded(CategoryId Id, string Name) : IEvent<CategoryId>;

/// <summary>A category was renamed.</summary>
public sealed record CategoryRenamed(CategoryId Id, string Name, string PreviousName) : IEvent<CategoryId>;

/// <summary>Claims a category name for one category (run by the category handlers, not sent by clients).</summary>
public sealed record ReserveCategoryName(CategoryNameId Id, CategoryId Owner) : ICommand<CategoryNameId>;

/// <summary>Gives up a category's claim on a name.</summary>
public sealed record ReleaseCategoryName(CategoryNameId Id, CategoryId Owner) : ICommand<CategoryNameId>;

/// <summary>A category name was claimed.</summary>
public sealed record CategoryNameReserved(CategoryNameId Id, CategoryId Owner) : IEvent<CategoryNameId>;

/// <summary>A category name was given up.</summary>
public sealed record CategoryNameReleased(CategoryNameId Id, CategoryId Owner) : IEvent<CategoryNameId>;
