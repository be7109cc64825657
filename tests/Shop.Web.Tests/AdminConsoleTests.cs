using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit;

namespace Shop.Web.Tests;

/// <summary>The admin console in a real browser: an order's stream, commands, signatures, the live chart; closed to read and partner keys.</summary>
[Collection(ShopSiteCollection.Name)]
public sealed partial class AdminConsoleTests(ShopSite site)
{
    [Fact]
    public async Task the_console_shows_the_stream_of_an_order_placed_on_the_site()
    {
        var page = await site.SignedInPageAsync(ShopSite.AdminKey);
        var orderId = await ShopPagesTests.PlaceOrderAsync(page, "Console Carol", 1);

        await page.GotoAsync("/admin/streams");
        await page.FillAsync("input[name=category]", "order");
        await page.FillAsync("input[name=q]", orderId[..13]);
        await page.ClickAsync("button:has-text('Search')");
        var link = page.Locator($"#streams a:has-text('order-{orderId}')");
        await Assertions.Expect(link).ToHaveCountAsync(1);
        await ShopSite.ScreenshotAsync(page, "admin-streams");

        await link.ClickAsync();
        var placed = page.Locator("#events tr.event").First;
        await Assertions.Expect(placed).ToContainTextAsync("shop.order-placed.v1");
        await Assertions.Expect(placed.Locator("pre.data")).ToContainTextAsync("\"customerName\": \"Console Carol\"");
        await Assertions.Expect(placed.Locator("pre.metadata")).ToContainTextAsync("\"user\": \"alice\"");
        await ShopSite.ScreenshotAsync(page, "admin-stream");

        await page.GotoAsync("/admin/commands?outcome=Accepted");
        await Assertions.Expect(page.Locator("#commands")).ToContainTextAsync("shop.place-order");
        await ShopSite.ScreenshotAsync(page, "admin-commands");
    }

    [Fact]
    public async Task the_projections_page_shows_the_order_summaries_checkpoint_move_after_an_order_is_placed_on_the_site()
    {
        var page = await site.SignedInPageAsync(ShopSite.AdminKey);
        var before = await CheckpointAsync(page, "order-summaries.v1");

        await ShopPagesTests.PlaceOrderAsync(page, "Projection Pat", 1);
        // The order page was read with the command's position, which the page prints.
        var placedAt = long.Parse(Digits().Match((await page.Locator("#consistency").TextContentAsync())!).Value, CultureInfo.InvariantCulture);

        var after = await CheckpointAsync(page, "order-summaries.v1");
        Assert.True(after > before, $"checkpoint {after} did not move past {before}");
        Assert.True(after >= placedAt, $"checkpoint {after} is before the order's position {placedAt}");
        await ShopSite.ScreenshotAsync(page, "admin-projections-after-order");
    }

    [Fact]
    public async Task the_signature_trail_and_the_live_chart_are_shown()
    {
        var page = await site.SignedInPageAsync(ShopSite.AdminKey);
        await page.GotoAsync("/admin/signatures");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Electronic signature audit trail");
        await ShopSite.ScreenshotAsync(page, "admin-signatures");

        await page.GotoAsync("/admin/projections");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Projections");
        await ShopSite.ScreenshotAsync(page, "admin-projections");

        await page.GotoAsync("/admin/live");
        // The script has drawn once it has marked how many samples it read.
        await Assertions.Expect(page.Locator("body[data-samples]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#now")).ToContainTextAsync("Head at");
        await ShopSite.ScreenshotAsync(page, "admin-live");
    }

    [Theory]
    [InlineData(ShopSite.ReaderKey, "read")]
    [InlineData(ShopSite.PartnerKey, "partner")]
    public async Task a_read_or_partner_key_gets_a_403_page_and_never_the_console(string key, string scope)
    {
        var page = await site.SignedInPageAsync(key);
        foreach (var path in new[] { "/admin/streams", "/admin/projections", "/admin/commands", "/admin/signatures", "/admin/live", "/admin/api/rates", "/admin/api/projections" })
        {
            var response = await page.GotoAsync(path);
            Assert.Equal((int)HttpStatusCode.Forbidden, response!.Status);
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("403: not allowed");
            await Assertions.Expect(page.Locator("section.forbidden")).ToContainTextAsync(scope);
            await Assertions.Expect(page.Locator("#streams, #commands, #signatures, #rate-chart")).ToHaveCountAsync(0);
        }
        await ShopSite.ScreenshotAsync(page, $"admin-forbidden-{scope}");
    }

    [Fact]
    public async Task without_signing_in_the_console_sends_the_browser_to_the_sign_in_page()
    {
        var context = await site.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = site.BaseAddress.ToString() });
        context.SetDefaultTimeout(ShopSite.BusyMachineTimeout);
        context.SetDefaultNavigationTimeout(ShopSite.BusyMachineTimeout);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/admin/streams");
        Assert.Contains("/sign-in", page.Url, StringComparison.Ordinal);
        await page.FillAsync("#key", "tsk_not_a_key");
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator(".error")).ToHaveTextAsync("This API key is not valid.");
        await ShopSite.ScreenshotAsync(page, "sign-in-refused");
        await context.DisposeAsync();
    }

    [Fact]
    public async Task the_sign_in_cookie_is_http_only_and_same_site_strict_and_a_form_without_its_antiforgery_token_is_refused()
    {
        var page = await site.SignedInPageAsync(ShopSite.AdminKey);
        var cookie = Assert.Single(await page.Context.CookiesAsync(), c => c.Name == "tessera.auth");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);

        // The browser's own cookies, but no antiforgery token: the form post is refused and nothing is appended.
        var before = await HeadAsync(page);
        var response = await page.APIRequest.PostAsync("/shop/orders", new APIRequestContextOptions
        {
            Form = page.APIRequest.CreateFormData().Set("customerName", "Mallory").Set("quantity", "1").Set("productId", Guid.NewGuid().ToString()),
        });
        Assert.Equal((int)HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(before, await HeadAsync(page));
    }

    private static async Task<long> CheckpointAsync(IPage page, string projection)
    {
        await page.GotoAsync("/admin/projections");
        var cell = page.Locator($"tr.projection[data-projection='{projection}'] td[data-cell='checkpoint']");
        await Assertions.Expect(cell).ToHaveCountAsync(1);
        return long.Parse((await cell.TextContentAsync())!.Trim(), CultureInfo.InvariantCulture);
    }

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Digits();

    private static async Task<string> HeadAsync(IPage page)
    {
        await page.GotoAsync("/admin/streams");
        return (await page.Locator("#head").TextContentAsync())!;
    }
}
