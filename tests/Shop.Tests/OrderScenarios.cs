using Shop.Orders;
using Shop.Products;
using Tessera.Commands;
using Xunit;

namespace Shop.Tests;

/// <summary>Events and commands of one order, for the order scenarios.</summary>
internal static class OrderScenarios
{
    public static readonly OrderId Id = OrderId.New();
    public static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    public static readonly OrderLine Novel = new(ProductId.New(), "A Novel", 2, 40m);
    public static readonly OrderLine Pen = new(ProductId.New(), "A Pen", 1, 20m);

    public static OrderPlaced Placed => new(Id, CustomerId.From("alice"), "Alice", [Novel, Pen], 100m, Now);

    public static OrderPaid Paid => new(Id, 100m, "PAY-1", Now);

    public static OrderShipped Shipped => new(Id, "Post", Now);

    public static OrderCancelled Cancelled => new(Id, "Changed my mind", Now);

    public static OrderRefunded Refunded(decimal amount) => new(Id, amount, "Damaged", Now);
}

public sealed class PlaceOrderTests
{
    private static PlaceOrder Place(params OrderLine[] lines) => new(OrderScenarios.Id, CustomerId.From("alice"), "Alice", lines);

    [Fact]
    public void placing_an_order_totals_its_lines() =>
        ShopTestApp.Orders.Given().When(Place(OrderScenarios.Novel, OrderScenarios.Pen)).Then(OrderScenarios.Placed);

    [Fact]
    public void an_order_without_lines_is_refused() =>
        ShopTestApp.Orders.Given().When(Place()).ThenViolates("order.no-lines");

    [Fact]
    public void every_broken_line_rule_and_the_missing_name_are_reported_together() =>
        ShopTestApp.Orders.Given()
            .When(new PlaceOrder(OrderScenarios.Id, CustomerId.From("alice"), " ", [OrderScenarios.Novel with { Quantity = 0, UnitPrice = -1 }]))
            .ThenViolates("order.quantity-not-positive", "order.price-negative", "order.customer-name-missing");

    [Fact]
    public void an_order_has_at_most_a_hundred_lines() =>
        ShopTestApp.Orders.Given().When(Place([.. Enumerable.Repeat(OrderScenarios.Pen, 101)])).ThenViolates("order.too-many-lines");

    [Fact]
    public void placing_an_order_twice_under_one_id_is_a_conflict() =>
        ShopTestApp.Orders.Given(OrderScenarios.Placed).When(Place(OrderScenarios.Novel)).ThenFails(CommandStatus.Conflict);

    [Fact]
    public async Task a_customer_cannot_place_an_order_for_someone_else()
    {
        var result = await ShopTestApp.Bus().SendAsync(new PlaceOrder(OrderId.New(), CustomerId.From("bob"), "Bob", [OrderScenarios.Novel]), ShopTestApp.As(ShopTestApp.Alice));
        Assert.Equal(CommandStatus.Forbidden, result.Status);
    }

    [Fact]
    public async Task a_customer_places_their_own_order()
    {
        var result = await ShopTestApp.Bus().SendAsync(new PlaceOrder(OrderId.New(), CustomerId.From("alice"), "Alice", [OrderScenarios.Novel]), ShopTestApp.As(ShopTestApp.Alice));
        Assert.Equal(CommandStatus.Accepted, result.Status);
    }

    [Fact]
    public void a_customer_id_is_a_user_name_without_spaces()
    {
        Assert.Throws<FormatException>(() => CustomerId.From("two words"));
        Assert.Throws<FormatException>(() => CustomerId.From(new string('a', 101)));
    }
}

public sealed class MarkOrderAsPaidTests
{
    private static MarkOrderAsPaid Pay(decimal amount) => new(OrderScenarios.Id, amount, "PAY-1");

    [Fact]
    public void paying_the_total_pays_the_order() =>
        ShopTestApp.Orders.Given(OrderScenarios.Placed).When(Pay(100m)).Then(OrderScenarios.Paid);

    [Fact]
    public void paying_a_cancelled_order_is_refused() =>
        ShopTestApp.Orders.Given(OrderScenarios.Placed, OrderScenarios.Cancelled).When(Pay(100m)).ThenViolates("order.cancelled");

    [Fact]
    public void paying_twice_is_refused() =>
        ShopTestApp.Orders.Given(OrderScenarios.Placed, OrderScenarios.Paid).When(Pay(100m)).ThenViolates("order.already-paid");

    [Fact]
    public void paying_another_amount_is_refused() =>
        ShopTestApp.Orders.Given(OrderScenarios.Placed).When(Pay(99m)).ThenViolates("order.amount-mismatch");

    [Fact]
    public void a_cancelled_order_paid_with_a_wrong_amount_reports_both_rules() =>
        ShopTestApp.Orders.Given(OrderScenarios.Placed, OrderScenarios.Cancelled).When(Pay(1m)).ThenViolates("order.cancelled", "order.amount-mismatch");

    [Fact]
    public void a_payment_needs_a_positive_amount_and_a_reference() =>
        ShopTestApp.Orders.Given(OrderScenarios.Placed).When(new MarkOrderAsPaid(OrderScenarios.Id, 0, "")).ThenViolates("order.amount-not-positive", "order.payment-reference-missing");

    [Fact]
    public void paying_an_order_that_does_not_exist_is_not_found() =>
        ShopTestApp.Orders.Given().When(Pay(100m)).ThenFails(CommandStatus.NotFound);

    [Fact]
    public async Task only_staff_marks_orders_as_paid()
    {
        var result = await ShopTestApp.Bus().SendAsync(Pay(100m), ShopTestApp.As(ShopTestApp.Alice));
        Assert.Equal(CommandStatus.Forbidden, result.Status);
    }
}

public sealed class ShipOrderTests
{
    private static readonly ShipOrder Ship = new(OrderScenarios.Id, "Post");

    [Fact]
    public void shipping_a_paid_order_ships_it() =>
        ShopTestApp.Orders.Given(OrderScenarios.Placed, OrderScenarios.Paid).When(Ship).Then(OrderScenarios.Shipped);

    [Fact]
    public void shipping_an_unpaid_order_is_refused() =>
        ShopTestApp.Orders.Given(OrderScenarios.Placed).When(Ship).ThenViolates("order.not-paid");

    [Fact]
    public void shipping_a_cancelled_order_is_refused() =>
        ShopTestApp.Orders.Given(OrderScenarios.Placed, OrderScenarios.Paid, OrderScenarios.Cancelled).When(Ship).ThenViolates("order.cancelled");

    [Fact]
    public void shipping_twice_is_refused() =>
        ShopTestApp.Orders.Given(OrderScenarios.Placed, OrderScenarios.Paid, OrderScenarios.Shipped).When(Ship).ThenViolates("order.already-shipped");

    [Fact]
    public void a_shipment_needs_a_carrier() =>
        ShopTestApp.Orders.Given(OrderScenarios.Placed, OrderScenarios.Paid).When(new ShipOrder(OrderScenarios.Id, " ")).ThenViolates("order.carrier-missing");
}

public sealed class CancelOrderTests
{
    private static readonly CancelOrder Cancel = new(OrderScenarios.Id, "Changed my mind");

    [Fact]
    public void cancelling_a_placed_order_cancels_it() =>
        ShopTestApp.Orders.Given(OrderScenarios.Placed).When(Cancel).Then(OrderScenarios.Cancelled);

    [Fact]
    public void cancelling_a_shipped_order_is_refused() =>
        ShopTestApp.Orders.Given(OrderScenarios.Placed, OrderScenarios.Paid, OrderScenarios.Shipped).When(Cancel).ThenViolates("order.shipped");

    [Fact]
    public void cancelling_twice_is_refused() =>
        ShopTestApp.Orders.Given(OrderScenarios.Placed, OrderScenarios.Cancelled).When(Cancel).ThenViolates("order.already-cancelled");
}

public sealed class RefundOrderTests
{
    [Fact]
    public void refunding_part_of_a_paid_order_refunds_it() =>
        ShopTestApp.Orders.Given(OrderScenarios.Placed, OrderScenarios.Paid).When(new RefundOrder(OrderScenarios.Id, 30m, "Damaged")).Then(OrderScenarios.Refunded(30m));

    [Fact]
    public void refunding_an_unpaid_order_is_refused() =>
        ShopTestApp.Orders.Given(OrderScenarios.Placed).When(new RefundOrder(OrderScenarios.Id, 30m, "Damaged")).ThenViolates("order.not-paid");

    [Fact]
    public void refunds_cannot_exceed_what_was_paid() =>
        ShopTestApp.Orders.Given(OrderScenarios.Placed, OrderScenarios.Paid, OrderScenarios.Refunded(80m)).When(new RefundOrder(OrderScenarios.Id, 30m, "Damaged")).ThenViolates("order.refund-exceeds-paid");

    [Fact]
    public void a_refund_needs_a_positive_amount_and_a_reason() =>
        ShopTestApp.Orders.Given(OrderScenarios.Placed, OrderScenarios.Paid).When(new RefundOrder(OrderScenarios.Id, -5m, "")).ThenViolates("order.amount-not-positive", "order.reason-missing");

    [Fact]
    public async Task a_refund_above_the_limit_needs_a_signature_and_records_it()
    {
        var store = new Tessera.Storage.InMemoryEventStore();
        var bus = ShopTestApp.Bus(store);
        var id = await PaidOrderAsync(bus, 150m);

        var unsigned = await bus.SendAsync(new RefundOrder(id, 101m, "Damaged"), ShopTestApp.As(ShopTestApp.Staff));
        var signed = await bus.SendAsync(new RefundOrder(id, 101m, "Damaged"), ShopTestApp.As(ShopTestApp.Staff) with { Signature = new SignatureBlock("sam", "approved", ShopTestApp.StaffPassword) });

        Assert.Equal(CommandStatus.SignatureRequired, unsigned.Status);
        Assert.Equal(CommandStatus.Accepted, signed.Status);
        var stream = Tessera.Storage.StreamName.For(Order.Category, id);
        var refunded = (await store.ReadStreamAsync(stream, signed.StreamVersion, Tessera.Storage.ReadDirection.Forwards, 1)).Events.Single();
        Assert.Equal("sam", refunded.Metadata.Signature!.Signer);
    }

    [Fact]
    public async Task a_refund_up_to_the_limit_needs_no_signature()
    {
        var bus = ShopTestApp.Bus();
        var id = await PaidOrderAsync(bus, 150m);
        var result = await bus.SendAsync(new RefundOrder(id, 100m, "Damaged"), ShopTestApp.As(ShopTestApp.Staff));
        Assert.Equal(CommandStatus.Accepted, result.Status);
    }

    private static async Task<OrderId> PaidOrderAsync(CommandBus bus, decimal price)
    {
        var id = OrderId.New();
        var staff = ShopTestApp.As(ShopTestApp.Staff);
        Assert.True((await bus.SendAsync(new PlaceOrder(id, CustomerId.From("alice"), "Alice", [OrderScenarios.Novel with { Quantity = 1, UnitPrice = price }]), staff)).IsAccepted);
        Assert.True((await bus.SendAsync(new MarkOrderAsPaid(id, price, "PAY-9"), staff)).IsAccepted);
        return id;
    }
}
