using Shop;
using Tessera;
using Tessera.AspNetCore;
using Tessera.AspNetCore.Security;

// The Shop host: roles write, read, partner or all (--Tessera:Role=write), on 127.0.0.1:5080 unless --urls says otherwise.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddTessera(tessera => tessera
    .AddShop(builder.Configuration.GetSection("Shop").Get<ShopOptions>())
    .UseConfiguredSigners(builder.Configuration)
    .UseInMemoryStore());
builder.AddTesseraHost(defaultPort: 5080);

var app = builder.Build();
app.MapTessera();
app.Run();
