using System.Text.Json;
using System.Text.Json.Serialization;
using Tessera.Messages;

namespace Tessera.Serialization;

/// <summary>Writes a typed id as its stable string form; put it on the id with [JsonConverter].</summary>
public sealed class IdentityJsonConverter<TId> : JsonConverter<TId>
    where TId : struct, IIdentity<TId>
{
    /// <inheritdoc />
    public override TId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String ? Parse(reader.GetString()) : throw new JsonException($"A {typeof(TId).Name} is written as a string.");

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, TId value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<char> buffer = stackalloc char[Identity.MaxLength];
        writer.WriteStringValue(Format(value, buffer));
    }

    /// <inheritdoc />
    public override TId ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Parse(reader.GetString());

    /// <inheritdoc />
    public override void WriteAsPropertyName(Utf8JsonWriter writer, TId value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<char> buffer = stackalloc char[Identity.MaxLength];
        writer.WritePropertyName(Format(value, buffer));
    }

    private static TId Parse(string? text) =>
        TId.TryParse(text, out var id) ? id : throw new JsonException($"'{text}' is not a valid {typeof(TId).Name}.");

    private static ReadOnlySpan<char> Format(TId value, Span<char> buffer) =>
        value.TryFormat(buffer, out var written)
            ? buffer[..written]
            : throw new JsonException($"{typeof(TId).Name} has no string form of at most {Identity.MaxLength} characters.");
}
