using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Voting.Bench;

/// <summary>
/// A hub viewer at the cost of one WebSocket: the SignalR JSON protocol spoken by hand (handshake
/// <c>{"protocol":"json","version":1}</c>, every record ended by U+001E, invocations <c>type 1</c>,
/// completions <c>type 3</c>, pings <c>type 6</c>), negotiation skipped as the WebSocket transport
/// allows. A full .NET client per viewer costs a few hundred kilobytes and a share of the cores the
/// servers need; this one costs a socket, a 4 KiB buffer and one pending read. Each received
/// invocation is handed to its handler as its target and raw record, with its receipt time (a
/// Stopwatch timestamp); the handler reads the one field it needs (<see cref="Field"/>), since the
/// generator shares the cores it measures and a parse per message per viewer adds up.
/// </summary>
internal sealed class LightViewer : IAsyncDisposable
{
    private const byte RecordSeparator = 0x1e;
    private static readonly byte[] Handshake = Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e");
    private static readonly byte[] Ping = Encoding.UTF8.GetBytes("{\"type\":6}\u001e");

    private readonly ClientWebSocket _socket = new();
    private readonly Handler _onMessage;
    private readonly TaskCompletionSource<string?> _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _sending = new(1, 1);
    private byte[] _buffer = new byte[4096];
    private int _filled;
    private Task? _receiving;

    private LightViewer(Handler onMessage) => _onMessage = onMessage;

    /// <summary>What a viewer does with an invocation: its target, the whole record, the receipt timestamp.</summary>
    internal delegate void Handler(string target, ReadOnlySpan<byte> record, long at);

    /// <summary>The raw value of <c>"name":</c> in a record (a string without its quotes, or a number); empty when absent.</summary>
    public static ReadOnlySpan<byte> Field(ReadOnlySpan<byte> record, ReadOnlySpan<byte> quotedNameColon)
    {
        var at = record.IndexOf(quotedNameColon);
        if (at < 0)
        {
            return [];
        }
        var rest = record[(at + quotedNameColon.Length)..];
        if (rest.Length > 0 && rest[0] == (byte)'"')
        {
            rest = rest[1..];
            return rest[..Math.Max(0, rest.IndexOf((byte)'"'))];
        }
        var end = rest.IndexOfAny((byte)',', (byte)'}');
        return end < 0 ? rest : rest[..end];
    }

    public bool Closed => _socket.State != WebSocketState.Open;

    /// <summary>Connects, handshakes and invokes <paramref name="method"/>(<paramref name="argument"/>), waiting for its completion.</summary>
    public static async Task<LightViewer> ConnectAsync(Uri hub, string method, string argument, Handler onMessage, CancellationToken cancellationToken)
    {
        var viewer = new LightViewer(onMessage);
        viewer._socket.Options.SetBuffer(4096, 1024);
        viewer._socket.Options.KeepAliveInterval = TimeSpan.Zero;
        var ws = new UriBuilder(hub) { Scheme = hub.Scheme == "https" ? "wss" : "ws" }.Uri;
        await viewer._socket.ConnectAsync(ws, cancellationToken);
        await viewer.SendAsync(Handshake, cancellationToken);
        viewer._receiving = viewer.ReceiveAsync();
        var invocation = JsonSerializer.Serialize(new { type = 1, invocationId = "1", target = method, arguments = new[] { argument } }) + "\u001e";
        await viewer.SendAsync(Encoding.UTF8.GetBytes(invocation), cancellationToken);
        var error = await viewer._completed.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        if (error is not null)
        {
            await viewer.DisposeAsync();
            throw new InvalidOperationException($"{method}({argument}) failed: {error}");
        }
        return viewer;
    }

    /// <summary>The server closes a connection it has not heard from in 30 s: every viewer pings every 15 s.</summary>
    public Task PingAsync(CancellationToken cancellationToken) => Closed ? Task.CompletedTask : SendAsync(Ping, cancellationToken);

    private async Task SendAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        await _sending.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _sending.Release();
        }
    }

    private async Task ReceiveAsync()
    {
        var handshaken = false;
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                if (_filled == _buffer.Length)
                {
                    Array.Resize(ref _buffer, _buffer.Length * 2);
                }
                var read = await _socket.ReceiveAsync(_buffer.AsMemory(_filled), CancellationToken.None);
                var at = Stopwatch.GetTimestamp();
                if (read.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
                _filled += read.Count;
                var start = 0;
                for (var i = 0; i < _filled; i++)
                {
                    if (_buffer[i] != RecordSeparator)
                    {
                        continue;
                    }
                    var record = _buffer.AsSpan(start, i - start);
                    start = i + 1;
                    if (!handshaken)
                    {
                        handshaken = true;
                        if (record.IndexOf("\"error\""u8) >= 0)
                        {
                            _completed.TrySetResult(Encoding.UTF8.GetString(record));
                        }
                        continue;
                    }
                    Dispatch(record, at);
                }
                if (start > 0)
                {
                    _buffer.AsSpan(start, _filled - start).CopyTo(_buffer);
                    _filled -= start;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection ended: what it received stays counted.
        }
        _completed.TrySetResult("the connection closed");
    }

    private void Dispatch(ReadOnlySpan<byte> record, long at)
    {
        // The server writes "type" first; targets are short ASCII names.
        var type = Field(record, "\"type\":"u8);
        if (type.SequenceEqual("1"u8))
        {
            _onMessage(Encoding.ASCII.GetString(Field(record, "\"target\":"u8)), record, at);
        }
        else if (type.SequenceEqual("3"u8) || type.SequenceEqual("7"u8))
        {
            var error = Field(record, "\"error\":"u8);
            _completed.TrySetResult(error.IsEmpty ? (type[0] == (byte)'7' ? "closed by the server" : null) : Encoding.UTF8.GetString(error));
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // Closing anyway.
        }
        _socket.Dispose();
        if (_receiving is not null)
        {
            await _receiving.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        _sending.Dispose();
    }

    /// <summary>Connects many viewers, a bounded number at a time; pings them all every 15 s until disposed.</summary>
    internal sealed class Crowd : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private Task? _pinging;

        public LightViewer[] Viewers { get; private set; } = [];

        public double ConnectSeconds { get; private set; }

        public static async Task<Crowd> ConnectAsync(Uri hub, int count, string method, Func<int, string> argument, Func<int, Handler> onMessage, int parallel = 64)
        {
            var crowd = new Crowd();
            var viewers = new LightViewer[count];
            var started = Stopwatch.GetTimestamp();
            using (var gate = new SemaphoreSlim(parallel))
            {
                await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
                {
                    await gate.WaitAsync();
                    try
                    {
                        for (var attempt = 0; ; attempt++)
                        {
                            try
                            {
                                viewers[i] = await LightViewer.ConnectAsync(hub, method, argument(i), onMessage(i), CancellationToken.None);
                                break;
                            }
                            catch (Exception e) when (attempt < 3 && e is WebSocketException or TimeoutException)
                            {
                                await Task.Delay(200 * (attempt + 1));
                            }
                        }
                    }
                    finally
                    {
                        gate.Release();
                    }
                }));
            }
            crowd.ConnectSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            crowd.Viewers = viewers;
            crowd._pinging = crowd.PingLoopAsync();
            return crowd;
        }

        private async Task PingLoopAsync()
        {
            try
            {
                while (true)
                {
                    await Task.Delay(TimeSpan.FromSeconds(15), _stop.Token);
                    foreach (var viewer in Viewers)
                    {
                        try
                        {
                            await viewer.PingAsync(_stop.Token);
                        }
                        catch (WebSocketException)
                        {
                            // A closed viewer is counted by its missing messages.
                        }
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Done.
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            if (_pinging is not null)
            {
                await _pinging.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            using (var gate = new SemaphoreSlim(256))
            {
                await Task.WhenAll(Viewers.Where(v => v is not null).Select(async v =>
                {
                    await gate.WaitAsync();
                    try
                    {
                        await v.DisposeAsync();
                    }
                    finally
                    {
                        gate.Release();
                    }
                }));
            }
            _stop.Dispose();
        }
    }
}
