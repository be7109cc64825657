using Lab;
using Tessera;
using Tessera.AspNetCore;
using Tessera.AspNetCore.Security;
using Tessera.Storage.Embedded;

// The Lab host: roles write, read, partner or all (--Tessera:Role=write), on 127.0.0.1:5090 unless --urls says otherwise.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddTessera(tessera => tessera
    .AddLab()
    .UseConfiguredSigners(builder.Configuration)
    .UseEmbeddedStore(store => builder.Configuration.GetSection(EmbeddedStoreOptions.SectionName).Bind(store)));
builder.AddTesseraHost(defaultPort: 5090);

var app = builder.Build();
app.MapTessera();
app.Run();
