using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Voting.Storage;
using Voting.Tests.Infrastructure;

namespace Voting.Tests.Poll;

/// <summary>The organiser's spreadsheet: RFC 4180 CSV of a poll's results, safe to open.</summary>
public sealed class CsvExportTests : IAsyncLifetime
{
    private Settings _settings = null!;
    private RoleApp _app = null!;

    public async Task InitializeAsync()
    {
        _settings = await Settings.CreateAsync();
        _app = await RoleApp.StartAsync("poll,worker", _settings);
        await _app.WaitUntilReadyAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<HttpResponseMessage> ExportAsync(string pollId, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/polls/{pollId}/results.csv");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return await _app.Client.SendAsync(request);
    }

    [Fact]
    public async Task The_export_is_rfc4180_with_a_header_one_row_per_option_shares_and_formulas_neutralised()
    {
        string[] labels = ["=HYPERLINK(\"x\")", "Crème, \"brûlée\"", "+1", "-minus", "@cmd", "Plain"];
        var poll = await Api.CreatePollAsync(_app.Client, "Dessert, \"really\"?", labels);
        var votes = new[] { 0, 0, 1, 5 };
        foreach (var option in votes)
        {
            using var vote = await Api.VoteAsync(_app.Client, poll.Id, poll.Options[option].Id, Api.NewVoter());
            Assert.Equal(HttpStatusCode.Accepted, vote.StatusCode);
        }
        await Eventually.WaitAsync(async () => (await _app.Service<ResultStore>().ReadAsync(poll.Id, CancellationToken.None))!.Total == votes.Length,
            TimeSpan.FromSeconds(10), "the votes counted");

        using var response = await ExportAsync(poll.Id, TestEnvironment.AdminToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal($"poll-{poll.Id}-results.csv", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());

        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var text = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
        Assert.EndsWith("\r\n", text, StringComparison.Ordinal);
        var rows = ParseCsv(text);
        Assert.Equal(["poll_id", "question", "option_id", "label", "votes", "share"], rows[0]);
        Assert.Equal(labels.Length + 1, rows.Count);
        Assert.All(rows, r => Assert.Equal(6, r.Count));
        Assert.All(rows.Skip(1), r => Assert.Equal([poll.Id, "Dessert, \"really\"?"], r.Take(2)));
        Assert.Equal(poll.Options.Select(o => o.Id), rows.Skip(1).Select(r => r[2]));
        // Cells a spreadsheet would take for formulas arrive as text; the rest as typed.
        Assert.Equal(["'=HYPERLINK(\"x\")", "Crème, \"brûlée\"", "'+1", "'-minus", "'@cmd", "Plain"], rows.Skip(1).Select(r => r[3]));
        Assert.Equal(["2", "1", "0", "0", "0", "1"], rows.Skip(1).Select(r => r[4]));
        Assert.Equal(["0.5", "0.25", "0", "0", "0", "0.25"], rows.Skip(1).Select(r => r[5]));
    }

    [Fact]
    public async Task The_export_needs_the_organiser_and_a_poll_that_exists()
    {
        var poll = await Api.CreatePollAsync(_app.Client, "Q?", "A", "B");
        using (var anonymous = await ExportAsync(poll.Id, null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }
        using (var wrong = await ExportAsync(poll.Id, "wrong-token"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        }
        using (var unknown = await ExportAsync("no-such-poll", TestEnvironment.AdminToken))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }
        using var empty = await ExportAsync(poll.Id, TestEnvironment.AdminToken);
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        var rows = ParseCsv((await empty.Content.ReadAsStringAsync()).TrimStart('\uFEFF'));
        Assert.Equal(["0", "0"], rows.Skip(1).Select(r => r[4]));
        Assert.False((await _app.Client.GetFromJsonAsync<PollDefinition>($"/api/polls/{poll.Id}"))!.Closed);
    }

    [Fact]
    public async Task A_words_poll_exports_every_visible_word_and_a_rating_poll_every_scale_value()
    {
        async Task<string> CreateAsync(string body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/polls") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestEnvironment.AdminToken);
            using var created = await _app.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            return (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetString()!;
        }
        async Task VoteAsync(string pollId, string body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/polls/{pollId}/votes") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add("Cookie", $"voter={Api.NewVoter()}");
            using var response = await _app.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }
        var words = await CreateAsync("""{"question":"In a word?","type":"words","maxWords":2}""");
        var rating = await CreateAsync("""{"question":"How?","type":"rating","scale":{"max":3}}""");
        await VoteAsync(words, """{"words":["=cmd","Fast"]}""");
        await VoteAsync(words, """{"words":["fast","rude"]}""");
        await VoteAsync(rating, """{"rating":3}""");
        await Eventually.WaitAsync(async () => (await _app.Service<ResultStore>().ReadAsync(words, CancellationToken.None))!.Total == 2
            && (await _app.Service<ResultStore>().ReadAsync(rating, CancellationToken.None))!.Total == 1, TimeSpan.FromSeconds(10), "the ballots counted");
        using (var hide = new HttpRequestMessage(HttpMethod.Post, $"/api/polls/{words}/words/hide") { Content = new StringContent("""{"text":"RUDE"}""", Encoding.UTF8, "application/json") })
        {
            hide.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestEnvironment.AdminToken);
            using var hidden = await _app.Client.SendAsync(hide);
            Assert.Equal(HttpStatusCode.NoContent, hidden.StatusCode);
        }

        using var wordsCsv = await ExportAsync(words, TestEnvironment.AdminToken);
        var rows = ParseCsv((await wordsCsv.Content.ReadAsStringAsync()).TrimStart('\uFEFF'));
        Assert.Equal(["fast", "'=cmd"], rows.Skip(1).Select(r => r[2]));
        Assert.Equal(["2", "1"], rows.Skip(1).Select(r => r[4]));
        Assert.Equal(["1", "0.5"], rows.Skip(1).Select(r => r[5]));

        using var ratingCsv = await ExportAsync(rating, TestEnvironment.AdminToken);
        rows = ParseCsv((await ratingCsv.Content.ReadAsStringAsync()).TrimStart('\uFEFF'));
        Assert.Equal(["1", "2", "3"], rows.Skip(1).Select(r => r[2]));
        Assert.Equal(["0", "0", "1"], rows.Skip(1).Select(r => r[4]));
    }

    /// <summary>An RFC 4180 reader, strict: CRLF line ends, quoted fields with doubled quotes.</summary>
    private static List<List<string>> ParseCsv(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '"' && cell.Length == 0)
            {
                i++;
                while (true)
                {
                    Assert.True(i < text.Length, "an unterminated quoted field");
                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            cell.Append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    cell.Append(text[i++]);
                }
                Assert.True(i == text.Length || text[i] == ',' || text[i] == '\r', $"text after a closing quote at {i}");
            }
            else if (text[i] == ',')
            {
                row.Add(cell.ToString());
                cell.Clear();
                i++;
            }
            else if (text[i] == '\r')
            {
                Assert.True(i + 1 < text.Length && text[i + 1] == '\n', "a CR without LF");
                row.Add(cell.ToString());
                cell.Clear();
                rows.Add(row);
                row = [];
                i += 2;
            }
            else
            {
                Assert.NotEqual('\n', text[i]);
                Assert.NotEqual('"', text[i]);
                cell.Append(text[i++]);
            }
        }
        Assert.Empty(row);
        return rows;
    }
}
