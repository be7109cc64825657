using Shop;
using Shop.Host.Web;
using Shop.ReadModels;
using Tessera;
using Tessera.AspNetCore;
using Tessera.AspNetCore.Admin;
using Tessera.AspNetCore.Security;
using Tessera.Nats;
using Tessera.ReadModels.Sqlite;
using Tessera.Storage.Embedded;
using Tessera.Storage.Postgres;

// The Shop host: roles write, read, partner, web or all (--Tessera:Role=write), on 127.0.0.1:5080 unless --urls says otherwise.
// The event store is the embedded one unless Tessera:Store says Postgres (with ConnectionStrings:Tessera); the read
// models are in SQLite unless Tessera:ReadModels:Store says Postgres (ConnectionStrings:TesseraRead, else :Tessera).
// Tessera:Nats:Relay=true publishes the events to NATS, and Tessera:ReadSource=Nats feeds a read host from NATS with no
// event store (src/Tessera.Nats/JETSTREAM.md).
var builder = WebApplication.CreateBuilder(args);
var roles = TesseraHosting.ParseRoles(builder.Configuration["Tessera:Role"]);
builder.Services.AddTessera(tessera =>
{
    tessera
        .AddShop(builder.Configuration.GetSection("Shop").Get<ShopOptions>())
        .UseConfiguredSigners(builder.Configuration)
        .AddAdminConsole()
        .UseConfiguredStore(builder.Configuration, services => services.AddEmbeddedEventStore(store => builder.Configuration.GetSection(EmbeddedStoreOptions.SectionName).Bind(store)))
        .UseConfiguredFanOut(builder.Configuration);
    // Only a process that serves reads (partner queries included) runs the projections and keeps a read DB of its own.
    if ((roles & (TesseraRoles.Read | TesseraRoles.Web | TesseraRoles.Partner)) != 0)
    {
        tessera.AddShopReadModels().UseConfiguredReadModels(builder.Configuration, services => services.AddSqliteReadModels(read => builder.Configuration.GetSection("Tessera:ReadModels").Bind(read)));
    }
});
builder.AddTesseraHost(defaultPort: 5080);
builder.AddShopWeb();

var app = builder.Build();
app.MapTessera(partner: Shop.Host.ShopPartnerApi.Map);
app.MapTesseraAdmin();
app.MapShopWeb();
app.Run();
