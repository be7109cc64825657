using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tessera.AspNetCore.Problems;
using Tessera.AspNetCore.Security;
using Tessera.AspNetCore.WriteApi;
using Tessera.Commands;
using Tessera.Messages;

namespace Tessera.AspNetCore.PartnerApi;

/// <summary>
/// The Partner API: a curated, versioned surface (/partner/v1, /partner/v2, ...) of the application's own DTOs mapped
/// onto chosen commands, reachable with the partner scope only. Requests are tolerant (unknown fields are ignored);
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
            return result.IsAccepted
                ? Results.Json(accepted((TRequest)body!, result), reader.Options, statusCode: StatusCodes.Status202Accepted)
                : ProblemResults.ForCommand(result, http.Response);
        });
    }
}
