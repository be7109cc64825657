using Tessera.Cli;
using Xunit;

namespace Tessera.AspNetCore.Tests;

/// <summary>`tessera projections status|rebuild` against a running host over real HTTP.</summary>
public sealed class CliProjectionTests(ShopApi api) : IClassFixture<ShopApi>
{
    [Fact]
    public async Task status_prints_every_projection_with_its_checkpoint()
    {
        var (_, product) = await api.CatalogAsync();
        var token = (await api.SendAsync("shop.place-order", ShopApi.Order(Guid.NewGuid(), product))).Headers.GetValues("Tessera-Position").Single();
        (await api.GetAsync($"/queries/shop.list-categories?minPosition={token}", ShopApi.ReaderKey)).EnsureSuccessStatusCode();
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await TesseraCommand.RunAsync(["projections", "status", "--host", api.Http.BaseAddress!.ToString(), "--key", ShopApi.ReaderKey], output, error);

        Assert.Equal(0, code);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("order-summaries.v1", StringComparison.Ordinal) && l.Contains("Running", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("category-list.v1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task rebuild_shows_progress_until_the_new_tables_serve()
    {
        var (_, product) = await api.CatalogAsync();
        (await api.SendAsync("shop.place-order", ShopApi.Order(Guid.NewGuid(), product))).EnsureSuccessStatusCode();
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await TesseraCommand.RunAsync(["projections", "rebuild", "product-sales.v1", "--host", api.Http.BaseAddress!.ToString(), "--key", ShopApi.StaffKey], output, error);

        Assert.True(code == 0, error.ToString() + output);
        Assert.Contains("100%", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("product-sales.v1 rebuilt", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_key_without_the_admin_scope_is_refused_with_the_hosts_reason()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await TesseraCommand.RunAsync(["projections", "rebuild", "product-sales.v1", "--host", api.Http.BaseAddress!.ToString(), "--key", ShopApi.ReaderKey], output, error);

        Assert.Equal(1, code);
        Assert.Contains("403", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_missing_host_is_a_usage_error()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(64, await TesseraCommand.RunAsync(["projections", "status", "--key", "x"], output, error));
        Assert.Contains("--host is required", error.ToString(), StringComparison.Ordinal);
    }
}
