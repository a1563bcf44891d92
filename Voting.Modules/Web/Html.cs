using System.Text.Encodings.Web;

namespace Voting.Web;

/// <summary>
/// The pages are small and server-rendered: a layout and an encoder are all they need. Every piece
/// of user-supplied text goes through <see cref="E"/>.
/// </summary>
internal static class Html
{
    public static string E(string? text) => HtmlEncoder.Default.Encode(text ?? string.Empty);

    /// <summary>The layout around <paramref name="body"/>; <paramref name="scripts"/> are loaded in the order given (deferred).</summary>
    public static string Page(string title, string body, IReadOnlyList<string>? scripts = null, string bodyClass = "")
    {
        var scriptTags = string.Concat((scripts ?? []).Select(script => $"""<script src="{StaticAssets.Url(script)}" defer></script>"""));
        return $"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{E(title)} · Voting</title>
            <link rel="stylesheet" href="{StaticAssets.Url("site.css")}">
            {scriptTags}
            </head>
            <body class="{E(bodyClass)}">
            <a class="skip" href="#main">Skip to content</a>
            <header class="site-bar"><a class="brand" href="/">Voting</a></header>
            <main id="main">
            {body}
            </main>
            </body>
            </html>
            """;
    }

    /// <summary>The page for a poll id that names no poll, with a way back.</summary>
    public static string NoSuchPoll(string backHref = "/", string backText = "See the open polls") =>
        Page("No such poll", $"""<h1>No such poll</h1><p>This poll does not exist. <a href="{E(backHref)}">{E(backText)}</a>.</p>""");

    public static Microsoft.AspNetCore.Http.IResult Respond(string html, int statusCode = 200) =>
        Microsoft.AspNetCore.Http.Results.Content(html, "text/html; charset=utf-8", System.Text.Encoding.UTF8, statusCode);
}
