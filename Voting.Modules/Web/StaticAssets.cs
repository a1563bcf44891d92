using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Voting.Web;

/// <summary>
/// CSS, scripts and the SignalR browser client, embedded in this assembly and served under
/// <c>/static</c>. URLs carry a content hash, so browsers may keep each file for a year.
/// </summary>
internal static class StaticAssets
{
    private static readonly EmbeddedFileProvider Files = new(typeof(StaticAssets).Assembly, "static");
    private static readonly ConcurrentDictionary<string, string> Urls = new(StringComparer.Ordinal);

    public static string Url(string file) => Urls.GetOrAdd(file, static name =>
    {
        var info = Files.GetFileInfo(name);
        if (!info.Exists)
        {
            return "/static/" + name;
        }
        using var stream = info.CreateReadStream();
        var hash = Convert.ToHexStringLower(SHA256.HashData(stream))[..12];
        return $"/static/{name}?v={hash}";
    });

    public static IApplicationBuilder UseEmbeddedStaticFiles(this IApplicationBuilder app) =>
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = Files,
            RequestPath = "/static",
            OnPrepareResponse = context =>
            {
                var versioned = context.Context.Request.Query.ContainsKey("v");
                context.Context.Response.Headers[HeaderNames.CacheControl] =
                    versioned ? "public, max-age=31536000, immutable" : "public, max-age=300";
            },
        });
}
