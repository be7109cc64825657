using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;
using Tessera.AspNetCore.Problems;
using Tessera.AspNetCore.ReadApi;
using Tessera.AspNetCore.Security;
using Tessera.AspNetCore.WriteApi;
using Tessera.Commands;
using Tessera.Messages;
using Tessera.Queries;

namespace Tessera.AspNetCore.PartnerApi;

/// <summary>
/// The Partner API: a curated, versioned surface (/partner/v1, /partner/v2, ...) of the application's own DTOs mapped
/// onto chosen commands and queries, reachable with the partner scope only. Requests are tolerant (unknown fields and
/// query parameters are ignored);
/// a new version only adds fields, and old versions stay mapped.
/// </summary>
public static class PartnerEndpoints
{
    /// <summary>The route group of one partner API version, with the partner scope required.</summary>
    public static RouteGroupBuilder MapPartnerVersion(this IEndpointRouteBuilder endpoints, int version)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(version);
        return endpoints.MapGroup($"/partner/v{version}").RequireAuthorization(TesseraScopes.Partner).WithTags($"Partner API v{version}");
    }

    /// <summary>Maps a POST of <typeparamref name="TRequest"/> onto a command, replying with <paramref name="accepted"/> on success and problem details otherwise.</summary>
    public static RouteHandlerBuilder MapPartnerCommand<TRequest>(this RouteGroupBuilder group, string pattern, Func<TRequest, ICommand> toCommand, Func<TRequest, CommandResult, object> accepted)
        where TRequest : class
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(toCommand);
        ArgumentNullException.ThrowIfNull(accepted);
        return group.MapPost(pattern, async (HttpContext http, CommandBus bus, JsonBodyReader reader) =>
        {
            var (body, problem) = await reader.ReadAsync(http.Request, typeof(TRequest));
            if (problem is not null)
            {
                return problem;
            }
            ICommand command;
            try
            {
                command = toCommand((TRequest)body!);
            }
            catch (System.Text.Json.JsonException e)
            {
                // Mapping errors are ours to phrase: the message names the partner field, never internals.
                return ProblemResults.BadBody(e.Message);
            }
            var result = await bus.SendAsync(command, new CommandContext { User = http.User, CorrelationId = Correlation.Of(http), CancellationToken = http.RequestAborted });
            if (!result.IsAccepted)
            {
                return ProblemResults.ForCommand(result, http.Response);
            }
            // The consistency token travels in the header too, so a partner can pass it on to a partner query as is.
            http.Response.Headers[ProblemResults.PositionHeader] = result.Position.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Json(accepted((TRequest)body!, result), reader.Options, statusCode: StatusCodes.Status202Accepted);
        });
    }
    /// <summary>
    /// Maps a GET whose route values and query parameters bind to <typeparamref name="TRequest"/> onto a query, replying
    /// with the partner DTO <paramref name="reply"/> makes of the answer (404 for none). Unknown parameters are ignored;
    /// minPosition (or the Tessera-Position header) waits for a command's consistency token, as in the Read API.
    /// </summary>
    public static RouteHandlerBuilder MapPartnerQuery<TRequest, TResult>(this RouteGroupBuilder group, string pattern, Func<TRequest, IQuery<TResult>> toQuery, Func<TResult, object> reply)
        where TRequest : class
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(toQuery);
        ArgumentNullException.ThrowIfNull(reply);
        return group.MapGet(pattern, async (HttpContext http, QueryBus bus, JsonBodyReader reader) =>
        {
            if (!ReadApiEndpoints.TryMinPosition(http.Request, out var minPosition, out var positionProblem))
            {
                return positionProblem!;
            }
            var (request, problem) = ReadApiEndpoints.BindParameters(Parameters(http.Request), typeof(TRequest), reader, ignoreUnknown: true);
            if (problem is not null)
            {
                return problem;
            }
            QueryResult<TResult> result;
            try
            {
                result = await bus.QueryAsync(toQuery((TRequest)request!), minPosition, http.RequestAborted);
            }
            catch (System.Text.Json.JsonException e)
            {
                return ProblemResults.BadBody(e.Message);
            }
            catch (ArgumentException e)
            {
                return ProblemResults.BadBody(e.Message, e.ParamName ?? "(query)");
            }
            return result.Status switch
            {
                QueryStatus.Ok => Answer(http, reply(result.Value!), reader),
                QueryStatus.NotFound => ProblemResults.Problem(StatusCodes.Status404NotFound, "Not found", "Nothing was found for these parameters."),
                QueryStatus.NotYetConsistent => ReadApiEndpoints.NotYetConsistent(http.Response, minPosition!.Value, result.Reached),
                _ => throw new InvalidOperationException($"No reply is defined for {result.Status}."),
            };
        })
            .Produces(StatusCodes.Status200OK)
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    private static IResult Answer(HttpContext http, object value, JsonBodyReader reader) =>
        ReadApiEndpoints.Answer(http, value, value.GetType(), reader.Options);

    /// <summary>Route values first; a query parameter of the same name (or minPosition) does not override them.</summary>
    private static List<KeyValuePair<string, StringValues>> Parameters(HttpRequest request)
    {
        var parameters = new List<KeyValuePair<string, StringValues>>();
        foreach (var (key, value) in request.RouteValues)
        {
            parameters.Add(new(key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)));
        }
        foreach (var (key, value) in request.Query)
        {
            if (!request.RouteValues.ContainsKey(key))
            {
                parameters.Add(new(key, value));
            }
        }
        return parameters;
    }
}
