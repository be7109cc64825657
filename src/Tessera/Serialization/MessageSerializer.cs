using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Tessera.Serialization;

/// <summary>Turns commands, events and snapshots into UTF-8 JSON and back, with the type resolvers the application registered.</summary>
public sealed class MessageSerializer
{
    internal MessageSerializer(EventTypeRegistry registry, IReadOnlyList<IJsonTypeInfoResolver> resolvers)
    {
        Registry = registry;
        Options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            // Without a registered context the reflection resolver serves; source-generated contexts are preferred.
            TypeInfoResolver = resolvers.Count == 0 ? new DefaultJsonTypeInfoResolver() : JsonTypeInfoResolver.Combine([.. resolvers]),
            MaxDepth = 32,
        };
        Options.MakeReadOnly();
    }

    /// <summary>The registry of stable event type names.</summary>
    public EventTypeRegistry Registry { get; }

    /// <summary>The JSON options every message goes through.</summary>
    public JsonSerializerOptions Options { get; }

    /// <summary>Serializes a message of its runtime type.</summary>
    public byte[] Serialize(object message) => JsonSerializer.SerializeToUtf8Bytes(message, GetTypeInfo(message.GetType()));

    /// <summary>Deserializes a message of a known type, failing clearly on null.</summary>
    public object Deserialize(Type type, ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, GetTypeInfo(type)) ?? throw new JsonException($"The JSON for {type.Name} is null.");

    /// <summary>Deserializes a stored event by its stable type name.</summary>
    public object DeserializeEvent(string typeName, ReadOnlySpan<byte> json) => Deserialize(Registry.GetType(typeName), json);

    /// <summary>The JSON contract of a type; throws when no registered resolver covers it.</summary>
    public JsonTypeInfo GetTypeInfo(Type type) => Options.GetTypeInfo(type);

    internal bool CanSerialize(Type type)
    {
        try
        {
            return Options.TypeInfoResolver!.GetTypeInfo(type, Options) is not null;
        }
        catch (NotSupportedException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
