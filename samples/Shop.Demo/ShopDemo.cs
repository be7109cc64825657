using System.Security.Claims;
using System.Text;
using Shop.Categories;
using Shop.Orders;
using Shop.Products;
using Shop.ReadModels.Categories;
using Shop.ReadModels.OrderSummaries;
using Tessera.Commands;
using Tessera.Queries;
using Tessera.Storage;

namespace Shop.Demo;

/// <summary>A walk through the Shop: each step sends one command and prints its result.</summary>
internal sealed class ShopDemo(CommandBus bus, QueryBus queries, IEventStore store, TextWriter output)
{
    private static readonly ClaimsPrincipal Sam = User("sam", ShopRoles.Staff);
    private static readonly ClaimsPrincipal Alice = User("alice", ShopRoles.Customer);
    private int _failures;

    public async Task<int> RunAsync()
    {
        // Names are unique for good, so each run of the demo on the same folder names its category anew.
        var run = DateTimeOffset.UtcNow.ToString("HHmmss", System.Globalization.CultureInfo.InvariantCulture);
        var books = CategoryId.New();
        await AskCategoryNameAsync($"Books {run}", expected: true);
        var added = await ExpectAsync($"Sam adds the category 'Books {run}'", new AddCategory(books, $"Books {run}"), Sam, CommandStatus.Accepted);
        await AskCategoryNameAsync($" books  {run} ", expected: false, added.Position);
        await ExpectAsync($"Sam adds ' books  {run} ' again under a new id (names are unique)", new AddCategory(CategoryId.New(), $" books  {run} "), Sam, CommandStatus.ValidationFailed);

        var novel = ProductId.New();
        await ExpectAsync("Sam adds a novel at 40.00", new AddProduct(novel, books, "A Novel", 40m), Sam, CommandStatus.Accepted);

        var order = OrderId.New();
        var lines = new[] { new OrderLine(novel, "A Novel", 3, 40m) };
        await ExpectAsync("Alice places an order with no lines and no name", new PlaceOrder(OrderId.New(), CustomerId.From("alice"), " ", []), Alice, CommandStatus.ValidationFailed);
        await ExpectAsync("Alice places an order for herself under Bob's name", new PlaceOrder(OrderId.New(), CustomerId.From("bob"), "Bob", lines), Alice, CommandStatus.Forbidden);
        var placed = await ExpectAsync("Alice places an order of 3 novels", new PlaceOrder(order, CustomerId.From("alice"), "Alice", lines), Alice, CommandStatus.Accepted);
        await ShowSummaryAsync(order, placed, "Placed");
        await ExpectAsync("Sam ships the unpaid order", new ShipOrder(order, "Post"), Sam, CommandStatus.ValidationFailed);
        await ExpectAsync("Sam marks it paid with the wrong amount", new MarkOrderAsPaid(order, 100m, "PAY-1"), Sam, CommandStatus.ValidationFailed);

        var payment = new CommandContext { User = Sam, CommandId = Guid.CreateVersion7() };
        var paid = await ExpectAsync("Sam marks it paid with 120.00", new MarkOrderAsPaid(order, 120m, "PAY-1"), payment, CommandStatus.Accepted);
        var again = await ExpectAsync("The payment arrives again with the same command id", new MarkOrderAsPaid(order, 120m, "PAY-1"), payment, CommandStatus.Accepted);
        Check("the retry got the first result and appended nothing", again.Position == paid.Position);
        await ShowSummaryAsync(order, paid, "Paid");

        var refund = new RefundOrder(order, 110m, "Damaged in transit");
        await ExpectAsync("Sam refunds 110.00 without a signature", refund, Sam, CommandStatus.SignatureRequired);
        await ExpectAsync("Sam refunds 110.00 signed with a wrong password", refund, Signed(Sam, "wrong"), CommandStatus.SignatureRejected);
        await ExpectAsync("Sam refunds 110.00 signed with his password", refund, Signed(Sam, "sam-secret"), CommandStatus.Accepted);
        await ExpectAsync("Sam refunds 20.00 more (over what was paid)", new RefundOrder(order, 20m, "Goodwill"), Sam, CommandStatus.ValidationFailed);
        var shipped = await ExpectAsync("Sam ships the order", new ShipOrder(order, "Post"), Sam, CommandStatus.Accepted);
        await ShowSummaryAsync(order, shipped, "Shipped");
        await ExpectAsync("Sam cancels the shipped order", new CancelOrder(order, "Too late"), Sam, CommandStatus.ValidationFailed);

        await PrintStreamAsync(StreamName.For(Order.Category, order));
        output.WriteLine(_failures == 0 ? "The Shop demo ran as expected." : $"{_failures} step(s) did not go as expected.");
        return _failures == 0 ? 0 : 1;
    }

    /// <summary>Reads the order's summary with the command's consistency token, so it shows what the command did.</summary>
    private async Task ShowSummaryAsync(OrderId order, CommandResult after, string expectedStatus)
    {
        var result = await queries.QueryAsync(new GetOrderSummary(order), after.Position);
        if (result.Value is not { } s)
        {
            output.WriteLine($"    summary (token {after.Position}): {result.Status} (reached {result.Reached})");
            Check($"a summary at position {after.Position}", false);
            return;
        }
        output.WriteLine($"    summary (token {after.Position}): {s.CustomerName}, {s.Status}, {s.ItemCount} item(s), total {s.Total:0.00}, categories [{s.CategoryNames}], paid at {s.PaidAt?.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "-"}");
        Check($"the summary says {expectedStatus}", s.Status == expectedStatus);
    }

    private async Task AskCategoryNameAsync(string name, bool expected, GlobalPosition? after = null)
    {
        var check = (await queries.QueryAsync(new CanAddCategory(name), after)).Value!;
        output.WriteLine($"Can a category be named '{name}'?\n    -> {(check.CanAdd ? "yes" : "no: " + check.Reason)}");
        Check($"CanAddCategory answers {expected}", check.CanAdd == expected);
    }

    private static ClaimsPrincipal User(string name, string role) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role)], "demo"));

    private static CommandContext Signed(ClaimsPrincipal user, string password) =>
        new() { User = user, Signature = new SignatureBlock(user.Identity!.Name!, "approved", password) };

    private Task<CommandResult> ExpectAsync(string step, Tessera.Messages.ICommand command, ClaimsPrincipal user, CommandStatus expected) =>
        ExpectAsync(step, command, new CommandContext { User = user }, expected);

    private async Task<CommandResult> ExpectAsync(string step, Tessera.Messages.ICommand command, CommandContext context, CommandStatus expected)
    {
        var result = await bus.SendAsync(command, context);
        output.WriteLine($"{step}\n    -> {Describe(result)}");
        Check($"expected {expected}", result.Status == expected);
        return result;
    }

    private void Check(string what, bool ok)
    {
        if (!ok)
        {
            _failures++;
            output.WriteLine($"    !! not as expected: {what}");
        }
    }

    private static string Describe(CommandResult result) => result.Status switch
    {
        CommandStatus.Accepted => $"Accepted (position {result.Position}, stream version {result.StreamVersion})",
        CommandStatus.ValidationFailed => "ValidationFailed: " + string.Join("; ", result.Violations.Select(v => $"{v.Code} ({v.Field ?? "-"}): {v.Message}")),
        _ => $"{result.Status}: {result.Reason}",
    };

    private async Task PrintStreamAsync(StreamName stream)
    {
        output.WriteLine($"\nThe events of {stream}:");
        var slice = await store.ReadStreamAsync(stream, StreamVersion.Start, ReadDirection.Forwards, 100);
        foreach (var e in slice.Events)
        {
            var signature = e.Metadata.Signature is { } s ? $", signed by {s.Signer} ({s.Meaning}, {s.Method}) over {s.CommandHash[..12]}..." : string.Empty;
            output.WriteLine($"  v{e.Version} @{e.Position} {e.Type} by {e.Metadata.User}{signature}\n      {Encoding.UTF8.GetString(e.Data.Span)}");
        }
    }
}
