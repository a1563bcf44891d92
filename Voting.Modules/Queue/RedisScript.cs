using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace Voting.Queue;

/// <summary>
/// A Lua script sent by its SHA1 (EVALSHA), and in full only when Redis does not know it yet, as
/// after a restart: a vote then costs a 40-byte hash on the wire rather than the script's text.
/// </summary>
internal sealed class RedisScript(string text)
{
    // SHA1 is what Redis names scripts by; it identifies, it does not protect anything.
#pragma warning disable CA5350
    private readonly byte[] _hash = SHA1.HashData(Encoding.UTF8.GetBytes(text));
#pragma warning restore CA5350

    public async Task<RedisResult> EvaluateAsync(IDatabase db, RedisKey[] keys, RedisValue[] values)
    {
        try
        {
            return await db.ScriptEvaluateAsync(_hash, keys, values);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            return await db.ScriptEvaluateAsync(text, keys, values);
        }
    }
}
