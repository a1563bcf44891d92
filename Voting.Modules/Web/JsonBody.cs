using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Voting.Web;

/// <summary>
/// Reads a small JSON body with every way it can be wrong mapped to its 4xx: 415 for another
/// content type, 413 past the limit, 400 for anything that is not one well-formed object.
/// </summary>
internal static class JsonBody
{
    /// <summary>
    /// For bodies a client sends: duplicate keys, unknown fields and deep nesting are errors, not
    /// something to guess about.
    /// </summary>
    private static readonly JsonSerializerOptions Strict = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = VotingJson.Default,
        AllowDuplicateProperties = false,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        MaxDepth = 8,
    };

    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpRequest request, int maxBytes)
        where T : class
    {
        if (!IsJson(request.ContentType))
        {
            return (null, Problems.Of(StatusCodes.Status415UnsupportedMediaType, "Send the body as application/json."));
        }
        if (request.ContentLength > maxBytes)
        {
            return (null, Problems.Of(StatusCodes.Status413PayloadTooLarge, $"The body may be at most {maxBytes} bytes."));
        }
        var reader = request.BodyReader;
        ReadResult read;
        while (true)
        {
            read = await reader.ReadAsync(request.HttpContext.RequestAborted);
            if (read.Buffer.Length > maxBytes)
            {
                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                return (null, Problems.Of(StatusCodes.Status413PayloadTooLarge, $"The body may be at most {maxBytes} bytes."));
            }
            if (read.IsCompleted || read.IsCanceled)
            {
                break;
            }
            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
        try
        {
            return Parse<T>(read.Buffer);
        }
        finally
        {
            reader.AdvanceTo(read.Buffer.End);
        }
    }

    private static (T? Value, ProblemHttpResult? Problem) Parse<T>(ReadOnlySequence<byte> buffer)
        where T : class
    {
        if (buffer.IsEmpty)
        {
            return (null, Problems.Of(StatusCodes.Status400BadRequest, "The body is empty."));
        }
        try
        {
            ReadOnlySpan<byte> body = buffer.IsSingleSegment ? buffer.FirstSpan : buffer.ToArray();
            var value = JsonSerializer.Deserialize(body, (JsonTypeInfo<T>)Strict.GetTypeInfo(typeof(T)));
            return value is null
                ? (null, Problems.Of(StatusCodes.Status400BadRequest, "The body must be a JSON object."))
                : (value, null);
        }
        catch (JsonException e)
        {
            return (null, Problems.Of(StatusCodes.Status400BadRequest, "The body is not valid JSON for this request: " + OneLine(e.Message)));
        }
    }

    private static bool IsJson(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return false;
        }
        var mediaType = contentType.Split(';', 2)[0].Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (mediaType.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    private static string OneLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
