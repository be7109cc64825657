using System.Globalization;
using Microsoft.Playwright;
using Xunit;

namespace Shop.Web.Tests;

/// <summary>The console's projection actions in a real browser, against a projection stopped by a poison event.</summary>
[Collection(PoisonedSiteCollection.Name)]
public sealed class ProjectionConsoleTests(PoisonedSite site)
{
    [Fact]
    public async Task a_failed_projection_shows_its_event_stays_failed_on_retry_runs_again_after_a_confirmed_skip_and_rebuilds_to_completion()
    {
        var page = await site.SignedInPageAsync(ShopSite.AdminKey);
        await page.GotoAsync("/admin/projections");
        var row = Row(page);
        await Assertions.Expect(row.Locator("[data-cell='state']")).ToHaveTextAsync("Failed");
        var failure = Failure(page);
        await Assertions.Expect(failure).ToContainTextAsync($"Stopped at event {site.PoisonEventId} ({PoisonedSite.PoisonType}) at position {site.PoisonPosition}");
        Assert.Equal(site.PoisonPosition - 1, await NumberAsync(row, "checkpoint"));
        Assert.True(await NumberAsync(row, "head") > site.PoisonPosition, "the seeded catalog follows the poison event");
        await ShopSite.ScreenshotAsync(page, "admin-projection-failed");

        // Retry resumes it (the state leaves Failed before the redirect), and it stops on the same event again.
        await row.Locator("button:has-text('Retry')").ClickAsync();
        await Assertions.Expect(page.Locator("p.ok")).ToHaveTextAsync($"retry of {PoisonedSite.Projection}: done.");
        await Assertions.Expect(Row(page).Locator("[data-cell='state']")).ToHaveTextAsync("Failed");
        await page.ReloadAsync();
        await Assertions.Expect(Failure(page)).ToContainTextAsync($"Stopped at event {site.PoisonEventId}");
        Assert.Equal(site.PoisonPosition - 1, await NumberAsync(Row(page), "checkpoint"));
        await ShopSite.ScreenshotAsync(page, "admin-projection-retried");

        // Skip asks first; going back changes nothing.
        await Row(page).Locator("a:has-text('Skip')").ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync($"Skip an event of {PoisonedSite.Projection}?");
        await Assertions.Expect(page.Locator("main, body").First).ToContainTextAsync($"event {site.PoisonEventId} ({PoisonedSite.PoisonType}) at position {site.PoisonPosition}");
        await ShopSite.ScreenshotAsync(page, "admin-projection-skip-confirm");
        await page.ClickAsync("a:has-text('No, go back')");
        await Assertions.Expect(Row(page).Locator("[data-cell='state']")).ToHaveTextAsync("Failed");

        await Row(page).Locator("a:has-text('Skip')").ClickAsync();
        await page.ClickAsync("#confirm-skip");
        await Assertions.Expect(page.Locator("p.ok")).ToHaveTextAsync($"skip of {PoisonedSite.Projection}: done.");
        // The page refreshes its cells every second: the projection runs and its checkpoint passes the skipped event.
        await Assertions.Expect(Row(page).Locator("[data-cell='state']")).ToHaveTextAsync("Running");
        await page.ReloadAsync();
        await Assertions.Expect(Failure(page)).ToHaveCountAsync(0);
        var checkpoint = await NumberAsync(Row(page), "checkpoint");
        Assert.True(checkpoint > site.PoisonPosition, $"checkpoint {checkpoint} is not past the skipped event at {site.PoisonPosition}");
        await Assertions.Expect(Row(page).Locator("button:has-text('Retry')")).ToHaveCountAsync(0);
        await ShopSite.ScreenshotAsync(page, "admin-projection-skipped");

        // The catalog behind the shop's pages now has the seeded product.
        await page.GotoAsync("/shop");
        await Assertions.Expect(page.Locator($"section[data-category='{site.CategoryName}']")).ToContainTextAsync(ShopSite.ProductName);

        // Rebuild replays from the start (passing the skipped event again) and its progress bar reaches the end.
        await page.GotoAsync("/admin/projections");
        await Row(page).Locator("button:has-text('Rebuild')").ClickAsync();
        await Assertions.Expect(page.Locator("p.ok")).ToHaveTextAsync($"rebuild of {PoisonedSite.Projection}: done.");
        var rebuild = Row(page).Locator("[data-cell='rebuild']");
        await Assertions.Expect(rebuild).ToContainTextAsync("Completed");
        var progress = rebuild.Locator("progress");
        await Assertions.Expect(progress).ToHaveCountAsync(1);
        Assert.Equal(await progress.GetAttributeAsync("max"), await progress.GetAttributeAsync("value"));
        Assert.True(long.Parse((await progress.GetAttributeAsync("value"))!, CultureInfo.InvariantCulture) >= checkpoint);
        await Assertions.Expect(Row(page).Locator("[data-cell='state']")).Not.ToHaveTextAsync("Failed");
        await ShopSite.ScreenshotAsync(page, "admin-projection-rebuilt");
    }

    private static ILocator Row(IPage page) => page.Locator($"tr.projection[data-projection='{PoisonedSite.Projection}']");

    private static ILocator Failure(IPage page) => page.Locator($"tr.projection[data-projection='{PoisonedSite.Projection}'] + tr.failure");

    private static async Task<long> NumberAsync(ILocator row, string cell) =>
        long.Parse((await row.Locator($"[data-cell='{cell}']").TextContentAsync())!.Trim(), CultureInfo.InvariantCulture);
}
