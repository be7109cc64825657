using Shop;
using Shop.Host.Web;
using Tessera;
using Tessera.AspNetCore;
using Tessera.AspNetCore.Admin;
using Tessera.AspNetCore.Security;
using Tessera.Storage.Embedded;

// The Shop host: roles write, read, partner, web or all (--Tessera:Role=write), on 127.0.0.1:5080 unless --urls says otherwise.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddTessera(tessera => tessera
    .AddShop(builder.Configuration.GetSection("Shop").Get<ShopOptions>())
    .UseConfiguredSigners(builder.Configuration)
    .AddAdminConsole()
    .UseEmbeddedStore(store => builder.Configuration.GetSection(EmbeddedStoreOptions.SectionName).Bind(store)));
builder.AddTesseraHost(defaultPort: 5080);
builder.AddShopWeb();

var app = builder.Build();
app.MapTessera(partner: Shop.Host.ShopPartnerApi.Map);
app.MapTesseraAdmin();
app.MapShopWeb();
app.Run();
