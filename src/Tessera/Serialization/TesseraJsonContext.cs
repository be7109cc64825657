using System.Text.Json;
using System.Text.Json.Serialization;
using Tessera.Messages;

namespace Tessera.Serialization;

/// <summary>Source-generated JSON for Tessera's own types, such as the metadata stores keep with each event.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(EventMetadata))]
[JsonSerializable(typeof(SignatureRecord))]
[JsonSerializable(typeof(Commands.SignatureAuditEntry))]
internal sealed partial class TesseraJsonContext : JsonSerializerContext;
