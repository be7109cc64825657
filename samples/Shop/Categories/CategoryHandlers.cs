using Tessera.Aggregates;
using Tessera.Commands;

namespace Shop.Categories;

/// <summary>Adds a category after claiming its name, so two categories never share a name.</summary>
internal sealed class AddCategoryHandler(AggregateFactory factory) : ICommandHandler<AddCategory>
{
    public async ValueTask<CommandResult> HandleAsync(AddCategory command, CommandContext context)
    {
        if (await factory.LoadStateAsync<Category, CategoryState>(command.Id, context.CancellationToken) is not null)
        {
            return CommandResult.Conflict($"Category {command.Id} already exists.");
        }
        var name = CategoryNameId.For(command.Name);
        var reserved = await factory.ExecuteAsync<CategoryName, ReserveCategoryName>(new(name, command.Id), context.Derive("reserve-name"));
        if (!reserved.IsAccepted)
        {
            return reserved;
        }
        var added = await factory.ExecuteAsync<Category, AddCategory>(command, context);
        if (!added.IsAccepted)
        {
            await CategoryNames.ReleaseUnlessHeldAsync(factory, name, command.Id, context.Derive("release-name"));
        }
        return added;
    }
}

/// <summary>Renames a category: claims the new name, renames, then gives up the old name.</summary>
internal sealed class RenameCategoryHandler(AggregateFactory factory) : ICommandHandler<RenameCategory>
{
    public async ValueTask<CommandResult> HandleAsync(RenameCategory command, CommandContext context)
    {
        if (await factory.LoadStateAsync<Category, CategoryState>(command.Id, context.CancellationToken) is not { } current)
        {
            return CommandResult.NotFound($"Category {command.Id} does not exist.");
        }
        var newName = CategoryNameId.For(command.Name);
        var oldName = CategoryNameId.For(current.Name);
        if (newName == oldName)
        {
            return await factory.ExecuteAsync<Category, RenameCategory>(command, context);
        }
        var reserved = await factory.ExecuteAsync<CategoryName, ReserveCategoryName>(new(newName, command.Id), context.Derive("reserve-name"));
        if (!reserved.IsAccepted)
        {
            return reserved;
        }
        var renamed = await factory.ExecuteAsync<Category, RenameCategory>(command, context);
        if (renamed.IsAccepted)
        {
            await factory.ExecuteAsync<CategoryName, ReleaseCategoryName>(new(oldName, command.Id), context.Derive("release-old-name"));
        }
        else
        {
            await CategoryNames.ReleaseUnlessHeldAsync(factory, newName, command.Id, context.Derive("release-new-name"));
        }
        return renamed;
    }
}

internal static class CategoryNames
{
    /// <summary>Gives up a claim made for a change that did not happen, unless the category does hold that name now.</summary>
    public static async ValueTask ReleaseUnlessHeldAsync(AggregateFactory factory, CategoryNameId name, CategoryId owner, CommandContext context)
    {
        var category = await factory.LoadStateAsync<Category, CategoryState>(owner, context.CancellationToken);
        if (category is null || CategoryNameId.For(category.Name) != name)
        {
            await factory.ExecuteAsync<CategoryName, ReleaseCategoryName>(new(name, owner), context);
        }
    }
}
