using System.Globalization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Voting.Queue;

/// <summary>
/// The Redis stream that carries votes from the poll role to the workers, and the close points
/// beside it. Nothing here blocks the shared multiplexed connection: adding a vote and closing are
/// one script each, reads never wait for entries, and housekeeping (trim, stats) is a few short commands.
/// </summary>
internal sealed class VoteStream(IConnectionMultiplexer redis, IOptions<QueueSettings> options)
{
    // Which polls are closed, and from where in the stream: poll id -> the close point, a stream id.
    // It sits beside the stream because Redis decides "before or after the close" for every vote
    // in one order, whatever poll process took the vote and whether that process can reach
    // PostgreSQL. A close point is the id of the close marker entry, or "ms-0" for a closing time.
    private static readonly RedisScript AddVote = new("""
        local function before(a, b)
          local ams, aseq = string.match(a, '^(%d+)-(%d+)$')
          local bms, bseq = string.match(b, '^(%d+)-(%d+)$')
          ams, aseq, bms, bseq = tonumber(ams), tonumber(aseq), tonumber(bms), tonumber(bseq)
          return ams < bms or (ams == bms and aseq < bseq)
        end
        local close = redis.call('HGET', KEYS[2], ARGV[1])
        if ARGV[2] ~= '' then
          local timer = ARGV[2] .. '-0'
          if not close or before(timer, close) then close = timer end
        end
        if close then
          local t = redis.call('TIME')
          local now = tostring(t[1]) .. string.format('%03d', math.floor(tonumber(t[2]) / 1000)) .. '-0'
          if not before(now, close) then return false end
        end
        local id = redis.call('XADD', KEYS[1], '*', unpack(ARGV, 3))
        if close and not before(id, close) then
          redis.call('XDEL', KEYS[1], id)
          return false
        end
        return id
        """);

    // Whether a close point's millisecond has come by Redis's clock: a marker's always has, a timer's
    // once it runs out. A poll with such a point is closed for good.
    private const string Passed = """
        local function passed(point)
          local t = redis.call('TIME')
          return tonumber(string.match(point, '^(%d+)-')) <= tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        end

        """;

    // Closing writes a marker into the stream (so workers meet the close in the votes' own order)
    // and records its id as the close point. Closing a closed poll keeps the first close point.
    private static readonly RedisScript Close = new(Passed + """
        local close = redis.call('HGET', KEYS[2], ARGV[1])
        if close and passed(close) then return close end
        local id = redis.call('XADD', KEYS[1], '*', unpack(ARGV, 2))
        redis.call('HSET', KEYS[2], ARGV[1], id)
        return id
        """);

    // A timer is a close point in the future, "ms-0": votes from that millisecond on are refused by
    // AddVote as if a close marker stood there. Setting or cancelling one is refused once the poll is
    // closed (a point at or before Redis's clock), and then answers that point.
    private static readonly RedisScript Timer = new(Passed + """
        local close = redis.call('HGET', KEYS[1], ARGV[1])
        if close and passed(close) then return close end
        if ARGV[2] == '' then
          redis.call('HDEL', KEYS[1], ARGV[1])
        else
          redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. '-0')
        end
        return false
        """);

    private readonly QueueSettings _options = options.Value;
    private readonly RedisKey _key = options.Value.StreamKey;
    private readonly RedisKey _closesKey = options.Value.StreamKey + ":closes";

    // The same two keys for every vote: one array, which the client only reads.
    private readonly RedisKey[] _addKeys = [options.Value.StreamKey, options.Value.StreamKey + ":closes"];

    private IDatabase Db => redis.GetDatabase();

    public string Group => _options.Group;

    /// <summary>
    /// Adds a vote unless its poll is closed, in one step on Redis: the entry id, or null when the
    /// poll closed first. <paramref name="closesAt"/> is the poll's timer as the caller knows it: it
    /// counts as a close point beside the one recorded here, so a timer holds at every poll process
    /// by Redis's clock even before (or without) its point reaching Redis. Never trims on add: only
    /// entries every group acknowledged may go.
    /// </summary>
    public async Task<RedisValue> AddAsync(VoteMessage vote, DateTimeOffset? closesAt = null)
    {
        var timer = closesAt is { } t ? t.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) : "";
        var values = new RedisValue[2 + 2 * VoteMessage.FieldCount];
        values[0] = vote.PollId;
        values[1] = timer;
        vote.WriteEntry(values.AsSpan(2));
        var result = await AddVote.EvaluateAsync(Db, _addKeys, values);
        return result.IsNull ? RedisValue.Null : (RedisValue)result;
    }

    /// <summary>
    /// Closes a poll for every poll process at once: from here on <see cref="AddAsync"/> refuses its
    /// votes. Returns the close point: every vote before it counts, none after it.
    /// </summary>
    public async Task<StreamId> CloseAsync(CloseMessage close)
    {
        var result = await Close.EvaluateAsync(Db, [_key, _closesKey], [close.PollId, .. Flatten(close.ToEntry())]);
        return StreamId.TryParse((RedisValue)result, out var id) ? id : throw new RedisException($"Redis answered a close with '{result}'.");
    }

    /// <summary>
    /// Sets the time a poll closes by itself, or cancels it (<paramref name="closesAt"/> null), unless
    /// the poll is closed already: then nothing changes and the answer is its close point.
    /// </summary>
    public async Task<StreamId?> SetTimerAsync(string pollId, DateTimeOffset? closesAt)
    {
        var at = closesAt is { } t ? t.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) : "";
        var result = await Timer.EvaluateAsync(Db, [_closesKey], [pollId, at]);
        return !result.IsNull && StreamId.TryParse((RedisValue)result, out var closed) ? closed : null;
    }

    private static RedisValue[] Flatten(NameValueEntry[] entry)
    {
        var values = new RedisValue[entry.Length * 2];
        for (var i = 0; i < entry.Length; i++)
        {
            values[2 * i] = entry[i].Name;
            values[2 * i + 1] = entry[i].Value;
        }
        return values;
    }

    /// <summary>Creates the group from the stream's start, so no vote taken before it is skipped.</summary>
    public async Task EnsureGroupAsync()
    {
        // Look before creating: XGROUP CREATE is refused outright while Redis is full (noeviction),
        // and a worker restarting then must still drain the stream that filled it.
        if (await Db.KeyExistsAsync(_key) && (await Db.StreamGroupInfoAsync(_key)).Any(g => g.Name == _options.Group))
        {
            return;
        }
        try
        {
            await Db.StreamCreateConsumerGroupAsync(_key, _options.Group, "0", createStream: true);
        }
        catch (RedisServerException e) when (e.Message.Contains("BUSYGROUP", StringComparison.Ordinal))
        {
            // The group exists already: that is the idempotent outcome we want.
        }
    }

    /// <summary>New entries for this consumer (<c>&gt;</c>), or its own pending ones (<c>0</c>), without blocking.</summary>
    public async Task<StreamEntry[]> ReadAsync(string consumer, int count, bool pending) =>
        await Db.StreamReadGroupAsync(_key, _options.Group, consumer, pending ? "0" : ">", count);

    /// <summary>Takes over entries another consumer left unacknowledged for longer than <paramref name="minIdle"/>.</summary>
    public async Task<StreamAutoClaimResult> ClaimAsync(string consumer, TimeSpan minIdle, RedisValue start, int count) =>
        await Db.StreamAutoClaimAsync(_key, _options.Group, consumer, (long)minIdle.TotalMilliseconds, start, count);

    public async Task<long> AckAsync(RedisValue[] ids) =>
        ids.Length == 0 ? 0 : await Db.StreamAcknowledgeAsync(_key, _options.Group, ids);

    /// <summary>Keeps a malformed entry, with the reason, where an operator can look at it.</summary>
    public async Task DeadLetterAsync(StreamEntry entry, string reason)
    {
        var fields = new List<NameValueEntry>(entry.Values.Length + 2)
        {
            new("reason", reason),
            new("source-id", entry.Id),
        };
        foreach (var value in entry.Values)
        {
            fields.Add(new NameValueEntry("f:" + value.Name, value.Value));
        }
        await Db.StreamAddAsync(_options.DeadLetterKey, fields.ToArray());
    }

    /// <summary>
    /// Trims the stream below the oldest entry some group still needs: its oldest pending entry, or
    /// else everything it has been delivered. Runs about once a second, so it may as well be exact.
    /// </summary>
    public async Task<long> TrimAcknowledgedAsync()
    {
        var groups = await Db.StreamGroupInfoAsync(_key);
        if (groups.Length == 0)
        {
            return 0;
        }
        StreamId? floor = null;
        foreach (var group in groups)
        {
            StreamId needed;
            if (group.PendingMessageCount > 0)
            {
                var pending = await Db.StreamPendingAsync(_key, group.Name);
                if (pending.PendingMessageCount == 0 || !StreamId.TryParse(pending.LowestPendingMessageId, out needed))
                {
                    continue;
                }
            }
            else if (!StreamId.TryParse(group.LastDeliveredId, out var delivered))
            {
                return 0;
            }
            else
            {
                needed = delivered.Next();
            }
            floor = floor is { } f && f.CompareTo(needed) <= 0 ? f : needed;
        }
        if (floor is not { } minId || minId.IsZero)
        {
            return 0;
        }
        var trimmed = await Db.ExecuteAsync("XTRIM", _key, "MINID", minId.ToString());
        return (long)trimmed;
    }

    public async Task<StreamStats> StatsAsync()
    {
        var length = await Db.StreamLengthAsync(_key);
        var groups = await Db.StreamGroupInfoAsync(_key);
        var group = groups.FirstOrDefault(g => g.Name == _options.Group);
        return new StreamStats(length, group.PendingMessageCount, group.Lag ?? 0);
    }

    /// <summary>Removes consumers that are gone: idle for long and holding nothing pending.</summary>
    public async Task<int> RemoveIdleConsumersAsync(string self, TimeSpan idle)
    {
        var removed = 0;
        foreach (var consumer in await Db.StreamConsumerInfoAsync(_key, _options.Group))
        {
            // A consumer with pending entries keeps them until someone claims them: never delete it
            // then, or its pending entries would vanish from the group unprocessed.
            if (consumer.Name != self && consumer.PendingMessageCount == 0 && consumer.IdleTimeInMilliseconds > idle.TotalMilliseconds)
            {
                await Db.StreamDeleteConsumerAsync(_key, _options.Group, consumer.Name);
                removed++;
            }
        }
        return removed;
    }
}

internal readonly record struct StreamStats(long Length, long Pending, long Lag);

/// <summary>A stream entry id, "milliseconds-sequence".</summary>
internal readonly record struct StreamId(ulong Milliseconds, ulong Sequence)
{
    public bool IsZero => Milliseconds == 0 && Sequence == 0;

    public StreamId Next() => Sequence == ulong.MaxValue ? new(Milliseconds + 1, 0) : new(Milliseconds, Sequence + 1);

    public int CompareTo(StreamId other) =>
        Milliseconds != other.Milliseconds ? Milliseconds.CompareTo(other.Milliseconds) : Sequence.CompareTo(other.Sequence);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Milliseconds}-{Sequence}");

    /// <summary>
    /// The id as one number that orders votes (and close points) the way Redis orders entries, which
    /// is monotonic across every poll replica. Packs into 63 bits: 43 for milliseconds, 20 for the sequence.
    /// </summary>
    public bool TryGetVersion(out long version)
    {
        var fits = Milliseconds < 1UL << 43 && Sequence < 1UL << 20;
        version = fits ? (long)((Milliseconds << 20) | Sequence) : 0;
        return fits;
    }

    public static bool TryParse(RedisValue value, out StreamId id)
    {
        id = default;
        if (value.IsNullOrEmpty)
        {
            return false;
        }
        var text = value.ToString();
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0
            || !ulong.TryParse(text.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            || !ulong.TryParse(text.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
        {
            return false;
        }
        id = new StreamId(ms, seq);
        return true;
    }
}
