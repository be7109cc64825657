namespace Shop;

/// <summary>Settings of the Shop.</summary>
public sealed class ShopOptions
{
    /// <summary>Refunds above this amount need an electronic signature.</summary>
    public decimal RefundSignatureLimit { get; set; } = 100m;
}

/// <summary>The roles the Shop's commands are allowed to.</summary>
public static class ShopRoles
{
    /// <summary>A customer: places orders for themselves.</summary>
    public const string Customer = "customer";

    /// <summary>Shop staff: runs the catalog, payments, shipping, cancellations and refunds.</summary>
    public const string Staff = "staff";
}
