using System.Text.Json;
using System.Text.Json.Serialization;
using Lab.ReadModels.OpenTasks;
using Lab.ReadModels.TaskSignatures;

namespace Lab.ReadModels;

/// <summary>Source-generated JSON for the Lab's queries and their answers, so the Read API binds and writes them.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ListOpenTasks))]
[JsonSerializable(typeof(IReadOnlyList<OpenTask>))]
[JsonSerializable(typeof(GetTaskSignatures))]
[JsonSerializable(typeof(IReadOnlyList<TaskSignature>))]
internal sealed partial class LabReadJsonContext : JsonSerializerContext;
