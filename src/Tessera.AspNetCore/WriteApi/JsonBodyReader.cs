using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Tessera.AspNetCore.Problems;
using Tessera.Serialization;

namespace Tessera.AspNetCore.WriteApi;

/// <summary>
/// Reads a JSON request body into a message type, strictly: a size limit (413), JSON only (415), a depth limit,
/// every required field present and non-nullable fields not null (400 naming the fields). Unknown extra fields are
/// ignored, so an older client or a richer one keeps working.
/// </summary>
internal sealed class JsonBodyReader
{
    private readonly JsonSerializerOptions _options;
    private readonly long _maxBytes;
    private readonly int _maxDepth;

    public JsonBodyReader(MessageSerializer serializer, IOptions<TesseraApiOptions> options)
    {
        _maxBytes = options.Value.MaxRequestBodyBytes;
        _maxDepth = options.Value.MaxJsonDepth;
        // Strict for input only: stored events keep the lenient options, so old events without a new field still load.
        _options = new JsonSerializerOptions(serializer.Options)
        {
            TypeInfoResolver = JsonTypeInfoResolver.Combine(serializer.Options.TypeInfoResolver, WriteApiJsonContext.Default),
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            MaxDepth = _maxDepth,
        };
        _options.MakeReadOnly();
    }

    /// <summary>The strict input options, also good for writing replies of the same types.</summary>
    public JsonSerializerOptions Options => _options;

    public async Task<(object? Value, IResult? Problem)> ReadAsync(HttpRequest request, Type type)
    {
        if (!request.HasJsonContentType())
        {
            // Read what the client already sent (within the limit) so the connection stays usable for the reply.
            await DrainAsync(request);
            return (null, ProblemResults.Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "Send the body as application/json."));
        }
        if (request.ContentLength > _maxBytes)
        {
            return (null, TooLarge(request));
        }
        byte[] body;
        try
        {
            body = await ReadLimitedAsync(request);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(request));
        }
        catch (InvalidDataException)
        {
            return (null, TooLarge(request));
        }
        return Bind(body, type);
    }

    private async Task DrainAsync(HttpRequest request)
    {
        if (request.ContentLength is { } length && length > _maxBytes)
        {
            request.HttpContext.Response.Headers.Connection = "close";
            return;
        }
        try
        {
            var buffer = ArrayPool<byte>.Shared.Rent(4096);
            try
            {
                long total = 0;
                int read;
                while (total <= _maxBytes && (read = await request.Body.ReadAsync(buffer, request.HttpContext.RequestAborted)) > 0)
                {
                    total += read;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        catch (Exception e) when (e is IOException or BadHttpRequestException or OperationCanceledException)
        {
            // The reply is 415 either way.
        }
    }

    public (object? Value, IResult? Problem) Bind(ReadOnlySpan<byte> body, Type type)
    {
        if (body.IsEmpty)
        {
            return (null, ProblemResults.BadBody("The body is empty; send a JSON object."));
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = _maxDepth });
        }
        catch (JsonException e)
        {
            return (null, ProblemResults.BadBody($"The body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}), or nests deeper than {_maxDepth} levels."));
        }
        using (document)
        {
            return Bind(document.RootElement, type);
        }
    }

    public (object? Value, IResult? Problem) Bind(JsonElement root, Type type)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, ProblemResults.BadBody("The body must be a JSON object."));
        }
        var info = _options.GetTypeInfo(type);
        var missing = Missing(root, info);
        if (missing.Length > 0)
        {
            return (null, ProblemResults.BadBody($"Required fields are missing: {string.Join(", ", missing)}.", missing));
        }
        try
        {
            var value = root.Deserialize(info);
            return value is null ? (null, ProblemResults.BadBody("The body is null.")) : (value, null);
        }
        catch (JsonException e)
        {
            var field = FieldOf(e.Path);
            return (null, ProblemResults.BadBody($"The value of '{field}' does not fit: wrong type, null where a value is needed, or an invalid id or value.", field));
        }
    }

    private static string[] Missing(JsonElement root, JsonTypeInfo info)
    {
        var missing = new List<string>();
        foreach (var property in info.Properties)
        {
            var required = property.IsRequired || property.AssociatedParameter is { HasDefaultValue: false };
            if (required && !Has(root, property.Name))
            {
                missing.Add(property.Name);
            }
        }
        return [.. missing];
    }

    private static bool Has(JsonElement root, string name)
    {
        foreach (var property in root.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>"$.lines[0].quantity" becomes "lines[0].quantity".</summary>
    private static string FieldOf(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "(body)" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;

    private async Task<byte[]> ReadLimitedAsync(HttpRequest request)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            var memory = buffer.GetMemory(4096);
            var read = await request.Body.ReadAsync(memory, request.HttpContext.RequestAborted);
            if (read == 0)
            {
                return buffer.WrittenSpan.ToArray();
            }
            buffer.Advance(read);
            if (buffer.WrittenCount > _maxBytes)
            {
                throw new InvalidDataException("The body is larger than allowed.");
            }
        }
    }

    /// <summary>
    /// The rest of the body is never read, so the connection cannot carry another request: say so, or a client that
    /// reuses it sees its next request fail while the server drops it.
    /// </summary>
    private IResult TooLarge(HttpRequest request)
    {
        request.HttpContext.Response.Headers.Connection = "close";
        return ProblemResults.Problem(StatusCodes.Status413PayloadTooLarge, "Request body too large", $"A body has at most {_maxBytes} bytes.");
    }
}
