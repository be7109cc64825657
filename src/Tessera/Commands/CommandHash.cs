using System.Security.Cryptography;
using System.Text;

namespace Tessera.Commands;

/// <summary>What an electronic signature is bound to: the hex SHA-256 of the command's stable name and its JSON.</summary>
internal static class CommandHash
{
    public static string Compute(string commandName, ReadOnlySpan<byte> json)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(commandName + "\n"));
        sha.AppendData(json);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
