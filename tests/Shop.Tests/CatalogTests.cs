using Shop.Categories;
using Shop.Products;
using Tessera.Commands;
using Tessera.Storage;
using Xunit;

namespace Shop.Tests;

public sealed class AddCategoryTests
{
    private readonly CommandBus _bus = ShopTestApp.Bus();

    [Fact]
    public async Task a_new_name_is_added()
    {
        var result = await _bus.SendAsync(new AddCategory(CategoryId.New(), "Books"), ShopTestApp.As(ShopTestApp.Staff));
        Assert.Equal(CommandStatus.Accepted, result.Status);
    }

    [Theory]
    [InlineData("Books")]
    [InlineData("  books ")]
    [InlineData("BOOKS")]
    public async Task a_name_that_normalizes_to_a_taken_one_is_refused(string name)
    {
        await _bus.SendAsync(new AddCategory(CategoryId.New(), "Books"), ShopTestApp.As(ShopTestApp.Staff));
        var result = await _bus.SendAsync(new AddCategory(CategoryId.New(), name), ShopTestApp.As(ShopTestApp.Staff));
        Assert.Equal(CommandStatus.ValidationFailed, result.Status);
        Assert.Equal("category.name-taken", Assert.Single(result.Violations).Code);
    }

    [Fact]
    public async Task a_name_must_be_given_and_short()
    {
        var blank = await _bus.SendAsync(new AddCategory(CategoryId.New(), " "), ShopTestApp.As(ShopTestApp.Staff));
        var tooLong = await _bus.SendAsync(new AddCategory(CategoryId.New(), new string('x', 61)), ShopTestApp.As(ShopTestApp.Staff));
        Assert.Equal("category.name-missing", Assert.Single(blank.Violations).Code);
        Assert.Equal("category.name-too-long", Assert.Single(tooLong.Violations).Code);
    }

    [Fact]
    public async Task adding_the_same_category_again_with_the_same_command_id_is_idempotent()
    {
        var store = new InMemoryEventStore();
        var bus = ShopTestApp.Bus(store);
        var context = ShopTestApp.As(ShopTestApp.Staff) with { CommandId = Guid.CreateVersion7() };
        var command = new AddCategory(CategoryId.New(), "Books");
        var first = await bus.SendAsync(command, context);
        var head = await store.ReadHeadAsync();
        var again = await bus.SendAsync(command, context);
        Assert.Equal(first.Position, again.Position);
        Assert.Equal(head, await store.ReadHeadAsync());
    }

    [Fact]
    public async Task a_second_category_under_an_existing_id_is_a_conflict_and_keeps_the_first_name_taken()
    {
        var id = CategoryId.New();
        await _bus.SendAsync(new AddCategory(id, "Books"), ShopTestApp.As(ShopTestApp.Staff));
        var again = await _bus.SendAsync(new AddCategory(id, "Books"), ShopTestApp.As(ShopTestApp.Staff));
        var other = await _bus.SendAsync(new AddCategory(CategoryId.New(), "Books"), ShopTestApp.As(ShopTestApp.Staff));
        Assert.Equal(CommandStatus.Conflict, again.Status);
        Assert.Equal("category.name-taken", Assert.Single(other.Violations).Code);
    }

    [Fact]
    public async Task only_staff_adds_categories()
    {
        var result = await _bus.SendAsync(new AddCategory(CategoryId.New(), "Books"), ShopTestApp.As(ShopTestApp.Alice));
        Assert.Equal(CommandStatus.Forbidden, result.Status);
    }
}

public sealed class RenameCategoryTests
{
    private readonly CommandBus _bus = ShopTestApp.Bus();

    [Fact]
    public async Task renaming_frees_the_old_name_and_takes_the_new_one()
    {
        var books = CategoryId.New();
        await _bus.SendAsync(new AddCategory(books, "Books"), ShopTestApp.As(ShopTestApp.Staff));
        Assert.True((await _bus.SendAsync(new RenameCategory(books, "Novels"), ShopTestApp.As(ShopTestApp.Staff))).IsAccepted);

        var reuseOld = await _bus.SendAsync(new AddCategory(CategoryId.New(), "Books"), ShopTestApp.As(ShopTestApp.Staff));
        var takeNew = await _bus.SendAsync(new AddCategory(CategoryId.New(), "novels"), ShopTestApp.As(ShopTestApp.Staff));

        Assert.Equal(CommandStatus.Accepted, reuseOld.Status);
        Assert.Equal("category.name-taken", Assert.Single(takeNew.Violations).Code);
    }

    [Fact]
    public async Task renaming_to_a_taken_name_is_refused_and_changes_nothing()
    {
        var books = CategoryId.New();
        await _bus.SendAsync(new AddCategory(books, "Books"), ShopTestApp.As(ShopTestApp.Staff));
        await _bus.SendAsync(new AddCategory(CategoryId.New(), "Games"), ShopTestApp.As(ShopTestApp.Staff));

        var result = await _bus.SendAsync(new RenameCategory(books, "Games"), ShopTestApp.As(ShopTestApp.Staff));
        var stillTaken = await _bus.SendAsync(new AddCategory(CategoryId.New(), "Books"), ShopTestApp.As(ShopTestApp.Staff));

        Assert.Equal("category.name-taken", Assert.Single(result.Violations).Code);
        Assert.Equal("category.name-taken", Assert.Single(stillTaken.Violations).Code);
    }

    [Fact]
    public async Task renaming_a_category_that_does_not_exist_is_not_found()
    {
        var result = await _bus.SendAsync(new RenameCategory(CategoryId.New(), "Games"), ShopTestApp.As(ShopTestApp.Staff));
        Assert.Equal(CommandStatus.NotFound, result.Status);
    }

    [Fact]
    public void renaming_only_the_case_renames_without_touching_the_claim() =>
        ShopTestApp.Categories.Given(new CategoryAdded(Id, "books")).When(new RenameCategory(Id, "Books")).Then(new CategoryRenamed(Id, "Books", "books"));

    [Fact]
    public void renaming_to_the_same_name_changes_nothing() =>
        ShopTestApp.Categories.Given(new CategoryAdded(Id, "Books")).When(new RenameCategory(Id, " Books ")).ThenNothing();

    private static readonly CategoryId Id = CategoryId.New();
}

public sealed class ProductTests
{
    private static readonly ProductId Id = ProductId.New();
    private static readonly CategoryId Books = CategoryId.New();

    [Fact]
    public void a_price_change_records_the_previous_price() =>
        ShopTestApp.Products.Given(new ProductAdded(Id, Books, "A Novel", 40m)).When(new ChangeProductPrice(Id, 35m)).Then(new ProductPriceChanged(Id, 35m, 40m));

    [Fact]
    public void the_same_price_changes_nothing() =>
        ShopTestApp.Products.Given(new ProductAdded(Id, Books, "A Novel", 40m)).When(new ChangeProductPrice(Id, 40m)).ThenNothing();

    [Fact]
    public void a_negative_price_is_refused() =>
        ShopTestApp.Products.Given(new ProductAdded(Id, Books, "A Novel", 40m)).When(new ChangeProductPrice(Id, -1m)).ThenViolates("product.price-negative");

    [Fact]
    public async Task a_product_in_an_unknown_category_is_refused()
    {
        var result = await ShopTestApp.Bus().SendAsync(new AddProduct(ProductId.New(), CategoryId.New(), "A Novel", 40m), ShopTestApp.As(ShopTestApp.Staff));
        Assert.Equal("product.category-unknown", Assert.Single(result.Violations).Code);
    }

    [Fact]
    public async Task a_product_in_a_known_category_is_added()
    {
        var bus = ShopTestApp.Bus();
        var books = CategoryId.New();
        await bus.SendAsync(new AddCategory(books, "Books"), ShopTestApp.As(ShopTestApp.Staff));
        var result = await bus.SendAsync(new AddProduct(ProductId.New(), books, "A Novel", 40m), ShopTestApp.As(ShopTestApp.Staff));
        Assert.Equal(CommandStatus.Accepted, result.Status);
    }
}
