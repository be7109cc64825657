using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Shop.Orders;
using Shop.Products;
using Shop.ReadModels.OrderSummaries;
using Tessera.Aggregates;
using Tessera.AspNetCore;
using Tessera.AspNetCore.Admin;
using Tessera.Commands;
using Tessera.Queries;

namespace Shop.Host.Web;

/// <summary>
/// The Shop's web site (role "web"): pages that send commands through the CommandBus and read what they show in-process;
/// after a command the next page is read with the command's consistency token.
/// </summary>
internal static class ShopWeb
{
    public static WebApplicationBuilder AddShopWeb(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents();
        builder.Services.AddSingleton<ShopPageReads>();
        builder.Services.AddSingleton(builder.Configuration.GetSection("Shop").Get<ShopOptions>() ?? new ShopOptions());
        return builder;
    }

    public static WebApplication MapShopWeb(this WebApplication app)
    {
        if (!TesseraHosting.ParseRoles(app.Configuration["Tessera:Role"]).HasFlag(TesseraRoles.Web))
        {
            return app;
        }
        app.MapTesseraSignIn();
        app.MapGet("/", () => Results.Redirect("/shop")).AllowAnonymous().ExcludeFromDescription();
        var shop = app.MapGroup("/shop").RequireAuthorization(BrowserSignIn.WritePolicy).ExcludeFromDescription();
        shop.MapGet("/", CatalogAsync);
        shop.MapGet("/order", OrderFormAsync);
        shop.MapPost("/orders", PlaceOrderAsync);
        shop.MapGet("/orders/{id}", OrderAsync);
        shop.MapPost("/orders/{id}/pay", PayAsync);
        shop.MapPost("/orders/{id}/refund", RefundAsync);
        shop.MapGet("/my-orders", MyOrdersAsync);
        return app;
    }

    private static async Task<IResult> CatalogAsync(HttpContext http, ShopPageReads reads, long? minPosition)
    {
        var catalog = await reads.CatalogAsync(minPosition, http.RequestAborted);
        return catalog.NotYetConsistent
            ? StillUpdating(http)
            : Page<CatalogPage>(new { Categories = catalog.Value ?? [], UserName = http.User.Identity?.Name });
    }

    private static async Task<IResult> OrderFormAsync(HttpContext http, ShopPageReads reads, string? product)
    {
        if ((await reads.ProductAsync(product, http.RequestAborted)).Value is not { } found)
        {
            return Results.NotFound("No such product.");
        }
        var state = FormState.Empty with { Values = new Dictionary<string, string?> { ["orderId"] = OrderId.New().ToString(), ["quantity"] = "1" } };
        return Page<OrderFormPage>(new { Product = found, State = state, UserName = http.User.Identity?.Name });
    }

    private static async Task<IResult> PlaceOrderAsync(
        HttpContext http,
        ShopPageReads reads,
        CommandBus bus,
        [FromForm] string? orderId,
        [FromForm] string? productId,
        [FromForm] string? customerName,
        [FromForm] string? quantity)
    {
        if ((await reads.ProductAsync(productId, http.RequestAborted)).Value is not { } found)
        {
            return Results.NotFound("No such product.");
        }
        var values = new Dictionary<string, string?> { ["orderId"] = orderId, ["customerName"] = customerName, ["quantity"] = quantity };
        IResult Again(FormState state, int status) => Page<OrderFormPage>(new { Product = found, State = state, UserName = http.User.Identity?.Name }, status);
        var formErrors = new List<RuleViolation>();
        if (!OrderId.TryParse(orderId, out var id))
        {
            id = OrderId.New();
            values["orderId"] = id.ToString();
        }
        if (!int.TryParse(quantity, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count))
        {
            formErrors.Add(new RuleViolation("form.not-a-whole-number", "The quantity must be a whole number.", "lines"));
        }
        if (!CustomerId.TryParse(http.User.Identity?.Name, out var customer))
        {
            return Again(new FormState(values, [], "Your user name cannot be used as a customer id.", false), StatusCodes.Status403Forbidden);
        }
        if (formErrors.Count > 0)
        {
            return Again(new FormState(values, formErrors, null, false), StatusCodes.Status422UnprocessableEntity);
        }
        var command = new PlaceOrder(id, customer, customerName ?? string.Empty, [new OrderLine(new ProductId(found.ProductId), found.Name, count, found.Price)]);
        var result = await bus.SendAsync(command, Context(http));
        return result.IsAccepted
            ? Results.Redirect($"/shop/orders/{id}?minPosition={result.Position.Value}&done=placed")
            : Again(Failed(values, result), StatusOf(result));
    }

    private static async Task<IResult> OrderAsync(HttpContext http, ShopPageReads reads, ShopOptions options, string id, long? minPosition, string? done)
    {
        if (!OrderId.TryParse(id, out var orderId))
        {
            return Results.NotFound("No such order.");
        }
        var read = await reads.OrderAsync(orderId, minPosition, http.RequestAborted);
        return read.Value is { } order ? OrderPage(http, order, options, minPosition, Notice(done), null, null) : Unread(http, read.Status, "No such order.");
    }

    private static async Task<IResult> PayAsync(HttpContext http, ShopPageReads reads, ShopOptions options, CommandBus bus, string id, [FromForm] string? amount, [FromForm] string? paymentReference)
    {
        if (!OrderId.TryParse(id, out var orderId) || (await reads.OrderAsync(orderId, null, http.RequestAborted)).Value is not { } order)
        {
            return Results.NotFound("No such order.");
        }
        var values = new Dictionary<string, string?> { ["amount"] = amount, ["paymentReference"] = paymentReference };
        if (!TryMoney(amount, out var money))
        {
            return OrderPage(http, order, options, null, null, new FormState(values, [NotMoney()], null, false), null, StatusCodes.Status422UnprocessableEntity);
        }
        var result = await bus.SendAsync(new MarkOrderAsPaid(orderId, money, paymentReference ?? string.Empty), Context(http));
        return result.IsAccepted
            ? Results.Redirect($"/shop/orders/{orderId}?minPosition={result.Position.Value}&done=paid")
            : OrderPage(http, order, options, null, null, Failed(values, result), null, StatusOf(result));
    }

    private static async Task<IResult> RefundAsync(
        HttpContext http,
        ShopPageReads reads,
        ShopOptions options,
        CommandBus bus,
        string id,
        [FromForm] string? amount,
        [FromForm] string? reason,
        [FromForm] string? meaning,
        [FromForm] string? password)
    {
        if (!OrderId.TryParse(id, out var orderId) || (await reads.OrderAsync(orderId, null, http.RequestAborted)).Value is not { } order)
        {
            return Results.NotFound("No such order.");
        }
        var values = new Dictionary<string, string?> { ["amount"] = amount, ["reason"] = reason, ["meaning"] = meaning };
        if (!TryMoney(amount, out var money))
        {
            return OrderPage(http, order, options, null, null, null, new FormState(values, [NotMoney()], null, false), StatusCodes.Status422UnprocessableEntity);
        }
        // The signature block is sent only when the user typed a password; the pipeline decides whether one is needed.
        var signature = string.IsNullOrEmpty(password) ? null : new SignatureBlock(http.User.Identity?.Name ?? string.Empty, meaning ?? string.Empty, password);
        var result = await bus.SendAsync(new RefundOrder(orderId, money, reason ?? string.Empty), Context(http) with { Signature = signature });
        return result.IsAccepted
            ? Results.Redirect($"/shop/orders/{orderId}?minPosition={result.Position.Value}&done=refunded")
            : OrderPage(http, order, options, null, null, null, Failed(values, result), StatusOf(result));
    }

    private static async Task<IResult> MyOrdersAsync(HttpContext http, ShopPageReads reads, long? minPosition)
    {
        if (!CustomerId.TryParse(http.User.Identity?.Name, out var customer))
        {
            return Page<MyOrdersPage>(new { Orders = Array.Empty<OrderSummary>(), MinPosition = minPosition, UserName = http.User.Identity?.Name });
        }
        var orders = await reads.OrdersOfAsync(customer, minPosition, http.RequestAborted);
        return orders.NotYetConsistent
            ? StillUpdating(http)
            : Page<MyOrdersPage>(new { Orders = orders.Value ?? [], MinPosition = minPosition, UserName = http.User.Identity?.Name });
    }

    private static IResult Unread(HttpContext http, QueryStatus status, string notFound) =>
        status == QueryStatus.NotYetConsistent ? StillUpdating(http) : Results.NotFound(notFound);

    // 503 with Retry-After: the data is on its way, and the page says so rather than showing what was there before.
    private static RazorComponentResult<StillUpdatingPage> StillUpdating(HttpContext http)
    {
        http.Response.Headers.RetryAfter = "1";
        return Page<StillUpdatingPage>(new { Url = http.Request.Path + http.Request.QueryString, UserName = http.User.Identity?.Name }, StatusCodes.Status503ServiceUnavailable);
    }

    private static RazorComponentResult<OrderPage> OrderPage(HttpContext http, OrderView order, ShopOptions options, long? minPosition, string? notice, FormState? pay, FormState? refund, int status = StatusCodes.Status200OK) =>
        Page<OrderPage>(
            new
            {
                Order = order,
                Pay = pay ?? FormState.Empty,
                Refund = refund ?? FormState.Empty,
                Notice = notice,
                MinPosition = minPosition,
                SignatureLimit = options.RefundSignatureLimit,
                UserName = http.User.Identity?.Name,
            },
            status);

    private static RazorComponentResult<TPage> Page<TPage>(object parameters, int status = StatusCodes.Status200OK)
        where TPage : Microsoft.AspNetCore.Components.IComponent =>
        new(parameters) { StatusCode = status };

    private static CommandContext Context(HttpContext http) => new()
    {
        User = http.User,
        CorrelationId = Correlation.Of(http),
        CancellationToken = http.RequestAborted,
    };

    private static FormState Failed(Dictionary<string, string?> values, CommandResult result) => result.Status switch
    {
        CommandStatus.ValidationFailed => new FormState(values, result.Violations, null, false),
        CommandStatus.Conflict => new FormState(values, [], null, true),
        CommandStatus.SignatureRequired => new FormState(values, [], "This refund needs your electronic signature: enter your password and choose its meaning.", false),
        CommandStatus.SignatureRejected => new FormState(values, [], $"The signature was not accepted: {result.Reason}", false),
        CommandStatus.Forbidden or CommandStatus.Unauthorized => new FormState(values, [], $"You may not do this: {result.Reason}", false),
        _ => new FormState(values, [], result.Reason ?? result.Status.ToString(), false),
    };

    private static int StatusOf(CommandResult result) => result.Status switch
    {
        CommandStatus.ValidationFailed => StatusCodes.Status422UnprocessableEntity,
        CommandStatus.Conflict => StatusCodes.Status409Conflict,
        CommandStatus.SignatureRequired => StatusCodes.Status428PreconditionRequired,
        CommandStatus.NotFound => StatusCodes.Status404NotFound,
        _ => StatusCodes.Status403Forbidden,
    };

    private static string? Notice(string? done) => done switch
    {
        "placed" => "Your order is placed.",
        "paid" => "The payment is recorded.",
        "refunded" => "The refund is recorded.",
        _ => null,
    };

    private static bool TryMoney(string? text, out decimal amount) =>
        decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out amount);

    private static RuleViolation NotMoney() => new("form.not-an-amount", "The amount must be a number such as 12.50.", "amount");
}
