using Microsoft.Extensions.Configuration;
using Tessera.Commands;

namespace Tessera.AspNetCore.Security;

/// <summary>Signers from configuration: "Tessera:Signers" maps each user name to a password hash from <see cref="PasswordSignatureVerifier.HashPassword"/>.</summary>
public static class ConfiguredSigners
{
    /// <summary>Verifies signatures against the password hashes in "Tessera:Signers".</summary>
    public static TesseraBuilder UseConfiguredSigners(this TesseraBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        var hashes = configuration.GetSection("Tessera:Signers").Get<Dictionary<string, string>>() ?? [];
        return builder.UseSignatureVerifier(new PasswordSignatureVerifier(hashes));
    }
}
