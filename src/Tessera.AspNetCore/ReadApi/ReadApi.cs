using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using Tessera.AspNetCore.Problems;
using Tessera.AspNetCore.Security;
using Tessera.AspNetCore.WriteApi;
using Tessera.Queries;
using Tessera.Storage;

namespace Tessera.AspNetCore.ReadApi;

/// <summary>The Read API: queries by their stable names, bound from the query string, with read-your-writes and ETags.</summary>
public static class ReadApiEndpoints
{
    /// <summary>The query-string parameter that carries a consistency token (a command's position) to wait for.</summary>
    public const string MinPositionParameter = "minPosition";

    /// <summary>Maps GET /queries/{name} (read scope).</summary>
    public static IEndpointRouteBuilder MapReadApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/queries/{name}", QueryAsync)
            .RequireAuthorization(TesseraScopes.Read)
            .WithTags("Read API")
            .WithSummary("Answers a query by its stable name; query parameters bind to its fields; minPosition (or the Tessera-Position header) waits for a command's consistency token.")
            .Produces(StatusCodes.Status200OK)
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return endpoints;
    }

    private static async Task<IResult> QueryAsync(string name, HttpContext http, QueryBus bus, JsonBodyReader reader)
    {
        if (!bus.TryGetQuery(name, out var info))
        {
            return ProblemResults.UnknownName("query", name);
        }
        if (!TryMinPosition(http.Request, out var minPosition, out var problem))
        {
            return problem!;
        }
        var (query, bindProblem) = BindQuery(http.Request.Query, info.QueryType, reader);
        if (bindProblem is not null)
        {
            return bindProblem;
        }
        QueryResult<object?> result;
        try
        {
            result = await bus.QueryUntypedAsync(query!, minPosition, http.RequestAborted);
        }
        catch (ArgumentException e)
        {
            // A handler refusing a value (a page size out of range, say) is bad input, not a failure of the host.
            return ProblemResults.BadBody(e.Message, e.ParamName ?? "(query)");
        }
        return result.Status switch
        {
            QueryStatus.Ok => Answer(http, result.Value!, info.ResultType, reader.Options),
            QueryStatus.NotFound => ProblemResults.Problem(StatusCodes.Status404NotFound, "Not found", $"The query '{name}' found nothing for these parameters."),
            QueryStatus.NotYetConsistent => NotYetConsistent(http.Response, minPosition!.Value, result.Reached),
            _ => throw new InvalidOperationException($"No reply is defined for {result.Status}."),
        };
    }

    /// <summary>The body is hashed into a strong ETag, so a client that has this answer gets 304 and no body.</summary>
    internal static IResult Answer(HttpContext http, object value, Type type, JsonSerializerOptions options)
    {
        var (body, etag) = Serialized(value, type, options);
        http.Response.Headers.ETag = etag;
        http.Response.Headers.CacheControl = "private, no-cache";
        foreach (var candidate in http.Request.Headers.IfNoneMatch)
        {
            if (candidate is not null && (candidate == "*" || candidate.Split(',').Any(t => t.Trim() == etag)))
            {
                return Results.StatusCode(StatusCodes.Status304NotModified);
            }
        }
        return Results.Bytes(body, "application/json");
    }

    /// <summary>
    /// The JSON body and its ETag. A cached query answer is the same object on every hit (answers are immutable DTOs), so
    /// its bytes are kept beside it for as long as the cache keeps the answer; a fresh answer is serialized once.
    /// </summary>
    private static (byte[] Body, string ETag) Serialized(object value, Type type, JsonSerializerOptions options)
    {
        if (Bodies.TryGetValue(value, out var kept) && kept.Type == type && ReferenceEquals(kept.Options, options))
        {
            return (kept.Body, kept.ETag);
        }
        var body = JsonSerializer.SerializeToUtf8Bytes(value, options.GetTypeInfo(type));
        Span<byte> hash = stackalloc byte[16];
        XxHash128.Hash(body, hash);
        var etag = "\"" + Convert.ToHexStringLower(hash) + "\"";
        if (!type.IsValueType)
        {
            Bodies.AddOrUpdate(value, new SerializedAnswer(type, options, body, etag));
        }
        return (body, etag);
    }

    private static readonly ConditionalWeakTable<object, SerializedAnswer> Bodies = new();

    private sealed record SerializedAnswer(Type Type, JsonSerializerOptions Options, byte[] Body, string ETag);

    internal static IResult NotYetConsistent(HttpResponse response, GlobalPosition asked, GlobalPosition reached)
    {
        response.Headers.RetryAfter = "1";
        return Results.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Not yet consistent",
            detail: $"The read models behind this query reached position {reached.Value}, not yet {asked.Value}; retry shortly.",
            extensions: new Dictionary<string, object?> { [MinPositionParameter] = asked.Value, ["reached"] = reached.Value });
    }

    internal static bool TryMinPosition(HttpRequest request, out GlobalPosition? position, out IResult? problem)
    {
        position = null;
        problem = null;
        StringValues text = request.Query[MinPositionParameter];
        var field = MinPositionParameter;
        if (StringValues.IsNullOrEmpty(text))
        {
            text = request.Headers[ProblemResults.PositionHeader];
            field = ProblemResults.PositionHeader;
        }
        if (StringValues.IsNullOrEmpty(text))
        {
            return true;
        }
        if (text.Count != 1 || !long.TryParse(text[0], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            problem = ProblemResults.BadBody($"'{field}' must be one whole number of zero or more: the position a command returned.", field);
            return false;
        }
        position = new GlobalPosition(value);
        return true;
    }

    /// <summary>
    /// Builds the query record from the query string: each parameter becomes the JSON field of the same name (numbers and
    /// booleans as literals, repeated parameters as arrays), then binds through the same strict reader as command bodies,
    /// so a missing or ill-typed field is a 400 naming it. Parameters the query does not have are refused, not ignored.
    /// </summary>
    internal static (object? Value, IResult? Problem) BindQuery(IQueryCollection parameters, Type type, JsonBodyReader reader) =>
        BindParameters(parameters, type, reader, ignoreUnknown: false);

    /// <summary>
    /// Binds parameters (query string, route values) as <see cref="BindQuery"/> does; with <paramref name="ignoreUnknown"/>
    /// a parameter the type does not have is skipped instead of refused, as tolerant partner contracts need.
    /// </summary>
    internal static (object? Value, IResult? Problem) BindParameters(IEnumerable<KeyValuePair<string, StringValues>> parameters, Type type, JsonBodyReader reader, bool ignoreUnknown)
    {
        var info = reader.Options.GetTypeInfo(type);
        var unknown = new List<string>();
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var (key, values) in parameters)
            {
                if (string.Equals(key, MinPositionParameter, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }
                var property = Find(info, key);
                if (property is null)
                {
                    unknown.Add(key);
                    continue;
                }
                json.WritePropertyName(property.Name);
                WriteValue(json, property.PropertyType, values);
            }
            json.WriteEndObject();
        }
        if (unknown.Count > 0 && !ignoreUnknown)
        {
            var known = string.Join(", ", info.Properties.Select(p => p.Name).Append(MinPositionParameter));
            return (null, ProblemResults.BadBody($"Unknown query parameters: {string.Join(", ", unknown)}. This query takes: {known}.", [.. unknown]));
        }
        return reader.Bind(buffer.WrittenSpan, type);
    }

    private static JsonPropertyInfo? Find(JsonTypeInfo info, string key)
    {
        foreach (var property in info.Properties)
        {
            if (string.Equals(property.Name, key, StringComparison.OrdinalIgnoreCase))
            {
                return property;
            }
        }
        return null;
    }

    private static void WriteValue(Utf8JsonWriter json, Type type, StringValues values)
    {
        var element = ElementType(type);
        if (element is not null)
        {
            json.WriteStartArray();
            foreach (var value in values)
            {
                foreach (var part in (value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    WriteScalar(json, element, part);
                }
            }
            json.WriteEndArray();
            return;
        }
        WriteScalar(json, type, values.Count == 1 ? values[0] ?? string.Empty : values.ToString());
    }

    private static void WriteScalar(Utf8JsonWriter json, Type type, string text)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (target == typeof(bool) && bool.TryParse(text, out var flag))
        {
            json.WriteBooleanValue(flag);
        }
        else if (IsNumber(target) && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            // Written as the client sent it, so the deserializer judges the range and the kind (a fraction for an int fails there).
            json.WriteRawValue(text.Trim(), skipInputValidation: false);
        }
        else
        {
            // Strings, ids, dates, enum names; and a number or flag that did not parse, which then fails to bind naming the field.
            json.WriteStringValue(text);
        }
    }

    private static bool IsNumber(Type type) =>
        type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte)
        || type == typeof(uint) || type == typeof(ulong) || type == typeof(ushort) || type == typeof(sbyte)
        || type == typeof(decimal) || type == typeof(double) || type == typeof(float);

    private static readonly ConcurrentDictionary<Type, Type?> ElementTypes = new();

    private static Type? ElementType(Type type) => ElementTypes.GetOrAdd(type, FindElementType);

    private static Type? FindElementType(Type type)
    {
        if (type == typeof(string))
        {
            return null;
        }
        if (type.IsArray)
        {
            return type.GetElementType();
        }
        if (type.IsGenericType && type.GetGenericArguments() is [var argument]
            && typeof(IEnumerable<>).MakeGenericType(argument).IsAssignableFrom(type))
        {
            return argument;
        }
        return null;
    }
}

/// <summary>The Read API's own reply shapes.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ProjectionReply))]
[JsonSerializable(typeof(ProjectionReply[]))]
internal sealed partial class ReadApiJsonContext : JsonSerializerContext;
