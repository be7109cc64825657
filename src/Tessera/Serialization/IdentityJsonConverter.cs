using System.Text.Json;
using System.Text.Json.Serialization;
using Tessera.Messages;

namespace Tessera.Serialization;

/// <summary>Writes a typed id as its stable string form; put it on the id with [JsonConverter].</summary>
public sealed class IdentityJsonConverter<TId> : JsonConverter<TId>
    where TId : struct, IIdentity<TId>
{
    /// <inheritdoc />
    public override TId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"A {typeof(TId).Name} is written as a string.");
        }
        var text = reader.GetString();
        return TId.TryParse(text, out var id) ? id : throw new JsonException($"'{text}' is not a valid {typeof(TId).Name}.");
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, TId value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<char> buffer = stackalloc char[Identity.MaxLength];
        if (!value.TryFormat(buffer, out var written))
        {
            throw new JsonException($"{typeof(TId).Name} has no string form of at most {Identity.MaxLength} characters.");
        }
        writer.WriteStringValue(buffer[..written]);
    }

    /// <inheritdoc />
    public override TId ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString();
        return TId.TryParse(text, out var id) ? id : throw new JsonException($"'{text}' is not a valid {typeof(TId).Name}.");
    }

    /// <inheritdoc />
    public override void WriteAsPropertyName(Utf8JsonWriter writer, TId value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<char> buffer = stackalloc char[Identity.MaxLength];
        if (!value.TryFormat(buffer, out var written))
        {
            throw new JsonException($"{typeof(TId).Name} has no string form of at most {Identity.MaxLength} characters.");
        }
        writer.WritePropertyName(buffer[..written]);
    }
}
