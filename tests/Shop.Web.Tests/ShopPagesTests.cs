using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit;

namespace Shop.Web.Tests;

/// <summary>The Shop web site in a real browser: order, pay, my orders, rule violations on the form, refund with a signature.</summary>
[Collection(ShopSiteCollection.Name)]
public sealed partial class ShopPagesTests(ShopSite site)
{
    [Fact]
    public async Task an_order_placed_and_paid_through_the_pages_is_in_my_orders_at_once()
    {
        var page = await site.SignedInPageAsync(ShopSite.AdminKey);
        await page.GotoAsync("/shop");
        await Assertions.Expect(page.Locator($"section[data-category='{site.CategoryName}']")).ToContainTextAsync(ShopSite.ProductName);
        await ShopSite.ScreenshotAsync(page, "shop-catalog");

        var orderId = await PlaceOrderAsync(page, "Alice Liddell", 2);
        await Assertions.Expect(page.Locator(".notice")).ToHaveTextAsync("Your order is placed.");
        await Assertions.Expect(page.Locator("#order-status")).ToHaveTextAsync("Placed");
        await Assertions.Expect(page.Locator("#order-total")).ToHaveTextAsync("120.00");
        await ShopSite.ScreenshotAsync(page, "shop-order-placed");

        await page.FillAsync("#paymentReference", "PAY-" + orderId[..8]);
        await page.ClickAsync("#pay");
        await Assertions.Expect(page.Locator(".notice")).ToHaveTextAsync("The payment is recorded.");
        await Assertions.Expect(page.Locator("#order-status")).ToHaveTextAsync("Paid");
        Assert.Contains("minPosition=", page.Url, StringComparison.Ordinal);
        await ShopSite.ScreenshotAsync(page, "shop-order-paid");

        await page.ClickAsync("header nav >> text=My orders");
        var row = page.Locator($"tr.my-order[data-order='{orderId}']");
        await Assertions.Expect(row).ToContainTextAsync("Paid");
        await Assertions.Expect(row).ToContainTextAsync("120.00");
        await ShopSite.ScreenshotAsync(page, "shop-my-orders");
    }

    [Fact]
    public async Task every_violated_rule_shows_its_code_and_message_next_to_its_field()
    {
        var page = await site.SignedInPageAsync(ShopSite.AdminKey);
        await OpenOrderFormAsync(page);
        await page.FillAsync("#customerName", "   ");
        await page.FillAsync("#quantity", "0");
        await page.ClickAsync("#place-order");

        await Assertions.Expect(page.Locator(".violations[data-field='customerName'] .rule-code")).ToHaveTextAsync("order.customer-name-missing");
        await Assertions.Expect(page.Locator(".violations[data-field='customerName'] .rule-message")).ToHaveTextAsync("The customer's name is needed.");
        await Assertions.Expect(page.Locator(".violations[data-field='lines'] .rule-code")).ToHaveTextAsync("order.quantity-not-positive");
        await Assertions.Expect(page.Locator("#quantity")).ToHaveValueAsync("0");
        await ShopSite.ScreenshotAsync(page, "shop-order-violations");

        // Rules that need the order's state show the same way: a payment that is not the total.
        await page.FillAsync("#customerName", "Alice");
        await page.FillAsync("#quantity", "1");
        await page.ClickAsync("#place-order");
        await Assertions.Expect(page.Locator("#order-status")).ToHaveTextAsync("Placed");
        await page.FillAsync("#amount", "1.00");
        await page.FillAsync("#paymentReference", "");
        await page.ClickAsync("#pay");
        await Assertions.Expect(page.Locator(".violations[data-field='paymentReference'] .rule-code")).ToHaveTextAsync("order.payment-reference-missing");
        await Assertions.Expect(page.Locator("#amount")).ToHaveValueAsync("1.00");
        await page.FillAsync("#paymentReference", "PAY-WRONG");
        await page.ClickAsync("#pay");
        await Assertions.Expect(page.Locator(".violations[data-field='amount'] .rule-code")).ToHaveTextAsync("order.amount-mismatch");
        await Assertions.Expect(page.Locator(".violations[data-field='paymentReference']")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#order-status")).ToHaveTextAsync("Placed");
        await ShopSite.ScreenshotAsync(page, "shop-payment-violations");
    }

    [Fact]
    public async Task a_refund_above_the_limit_needs_a_signature_and_the_order_page_shows_the_record()
    {
        var page = await site.SignedInPageAsync(ShopSite.AdminKey);
        await PlaceOrderAsync(page, "Alice", 3);
        await page.FillAsync("#paymentReference", "PAY-REFUND");
        await page.ClickAsync("#pay");
        await Assertions.Expect(page.Locator("#order-status")).ToHaveTextAsync("Paid");

        await page.FillAsync("#refund-amount", "150");
        await page.FillAsync("#reason", "Damaged in transit");
        await page.ClickAsync("#refund");
        await Assertions.Expect(page.Locator("#refund-form .problem")).ToContainTextAsync("needs your electronic signature");

        await page.FillAsync("#password", "not-the-password");
        await page.ClickAsync("#refund");
        await Assertions.Expect(page.Locator("#refund-form .problem")).ToContainTextAsync("The signature was not accepted");
        await Assertions.Expect(page.Locator("#signature-record")).ToHaveCountAsync(0);

        await page.SelectOptionAsync("#meaning", "approved");
        await page.FillAsync("#password", ShopSite.AlicePassword);
        await page.ClickAsync("#refund");
        await Assertions.Expect(page.Locator(".notice")).ToHaveTextAsync("The refund is recorded.");
        var record = page.Locator("#signature-record");
        await Assertions.Expect(record.Locator(".signer")).ToHaveTextAsync("alice");
        await Assertions.Expect(record.Locator(".meaning")).ToHaveTextAsync("approved");
        await Assertions.Expect(record).ToContainTextAsync(HashPattern());
        await ShopSite.ScreenshotAsync(page, "shop-refund-signed");
    }

    [Fact]
    public async Task a_page_whose_read_models_have_not_reached_the_token_says_it_is_still_updating_instead_of_showing_old_data()
    {
        var page = await site.SignedInPageAsync(ShopSite.AdminKey);
        var orderId = await PlaceOrderAsync(page, "Token Tess", 1);

        // A position far beyond the head: the QueryBus waits its bound, then answers NotYetConsistent.
        var response = await page.GotoAsync($"/shop/orders/{orderId}?minPosition=999999999");
        Assert.Equal(503, response!.Status);
        await Assertions.Expect(page.Locator("#still-updating")).ToContainTextAsync("Refresh in a moment");
        await Assertions.Expect(page.Locator("#order-status")).ToHaveCountAsync(0);
        await ShopSite.ScreenshotAsync(page, "shop-still-updating");
    }

    internal static async Task<string> PlaceOrderAsync(IPage page, string name, int quantity)
    {
        await OpenOrderFormAsync(page);
        await page.FillAsync("#customerName", name);
        await page.FillAsync("#quantity", quantity.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.ClickAsync("#place-order");
        await Assertions.Expect(page.Locator("#order-status")).ToHaveTextAsync("Placed");
        return (await page.Locator(".order-id").TextContentAsync())!.Trim();
    }

    private static async Task OpenOrderFormAsync(IPage page)
    {
        await page.GotoAsync("/shop");
        await page.Locator("tr.product", new PageLocatorOptions { HasText = ShopSite.ProductName }).Locator("a.order-link").First.ClickAsync();
        await Assertions.Expect(page.Locator("#order-form")).ToBeVisibleAsync();
    }

    [GeneratedRegex("command hash [0-9a-zA-Z:+/=_-]{16,}")]
    private static partial Regex HashPattern();
}
