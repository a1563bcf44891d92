using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using CsCheck;
using Microsoft.AspNetCore.Http;
using Voting.Web;

namespace Voting.Tests.Poll;

/// <summary>
/// The vote body's own reader takes and refuses exactly what the serializer's general reading of the
/// same shape, under the same strict options, takes and refuses.
/// </summary>
public sealed class VoteBodyTests
{
    /// <summary>The shape of a vote as the serializer reads it by itself.</summary>
    private sealed record Reference(string? OptionId)
    {
        public IReadOnlyList<string?>? OptionIds { get; init; }

        [JsonNumberHandling(JsonNumberHandling.Strict)]
        public int? Rating { get; init; }

        public IReadOnlyList<string?>? Words { get; init; }
    }

    private static readonly JsonSerializerOptions Serializer = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        AllowDuplicateProperties = false,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        MaxDepth = 8,
    };

    private static readonly string[] Names =
    [
        "optionId", "OPTIONID", "optionIds", "OptionIds", "rating", "Rating", "words", "WORDS", "extra", "option\\u0049d", "opt\u0131onId", "",
    ];

    private static readonly string[] Values =
    [
        "\"a\"", "null", "4", "-3", "4.5", "\"4\"", "1e1", "2147483648", "true", "{}", "[]", "[\"a\",null]", "[\"Ｆａｓｔ\",\"simple   API\"]",
        "[1]", "[[\"a\"]]", "[\"a\",]", "\"\\u00e9\"",
    ];

    private static readonly string[] Whole = ["", "null", "[]", "\"x\"", "4", "{", "{}", "{} x", "{\"optionId\":\"a\",}", "{\"optionId\"}", "{/* */}"];

    [Fact]
    public async Task Any_body_reads_as_the_serializer_would_read_it()
    {
        var property = Gen.Select(Gen.OneOf<string>(Names), Gen.OneOf<string>(Values), (name, value) => $"\"{name}\":{value}");
        var body = Gen.Frequency(
            (4, property.Array[0, 4].Select(properties => "{" + string.Join(",", properties) + "}")),
            (1, Gen.OneOf<string>(Whole)));
        await body.SampleAsync(async text =>
        {
            var expected = Serialize(text);
            var (actual, problem) = await ReadAsync(text);
            Assert.Equal(expected is null, actual is null);
            if (actual is not null)
            {
                Assert.Null(problem);
                Assert.Equal(expected, actual);
            }
            else
            {
                Assert.Equal(StatusCodes.Status400BadRequest, problem!.StatusCode);
            }
        }, iter: 3000);
    }

    [Fact]
    public async Task A_words_body_reads_its_words_in_order_with_their_nulls()
    {
        var context = new DefaultHttpContext();
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes("""{"Words":["Ｆａｓｔ",null,"simple   API"]}"""));
        var (request, problem) = await JsonBody.ReadAsync<VoteRequest>(context.Request, 4096);
        Assert.Null(problem);
        Assert.Equal(["Ｆａｓｔ", null, "simple   API"], request!.Words!);
        Assert.Null(request.OptionId);
        Assert.Null(request.OptionIds);
        Assert.Null(request.Rating);
    }

    /// <summary>The serializer's reading as a comparable string, or null where it refuses the body.</summary>
    private static string? Serialize(string text)
    {
        try
        {
            return JsonSerializer.Deserialize<Reference>(text, Serializer) is { } value ? Describe(value.OptionId, value.OptionIds, value.Rating, value.Words) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task<(string? Value, Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult? Problem)> ReadAsync(string text)
    {
        var context = new DefaultHttpContext();
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(text));
        var (value, problem) = await JsonBody.ReadAsync<VoteRequest>(context.Request, 4096);
        return (value is null ? null : Describe(value.OptionId, value.OptionIds, value.Rating, value.Words), problem);
    }

    private static string Describe(string? optionId, IReadOnlyList<string?>? optionIds, int? rating, IReadOnlyList<string?>? words) =>
        $"{Show(optionId)} | {List(optionIds)} | {rating?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"} | {List(words)}";

    private static string Show(string? text) => text is null ? "null" : $"'{text}'";

    private static string List(IReadOnlyList<string?>? texts) => texts is null ? "null" : "[" + string.Join(",", texts.Select(Show)) + "]";
}
