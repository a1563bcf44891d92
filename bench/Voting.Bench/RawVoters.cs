using System.Buffers.Text;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace Voting.Bench;

/// <summary>
/// Votes at the cost of one socket write and one read each: HTTP/1.1 keep-alive connections over
/// raw sockets, the request built once, each answer read only for its status and its length. The
/// generator shares the two cores with the roles it measures, and HttpClient's own work for 2,000
/// POSTs a second took about a third of a core that the servers needed.
/// </summary>
/// <remarks>
/// Open loop: <see cref="Send"/> queues a vote with its due time and returns; a free connection
/// takes it. Answers that are not a bare 202 (a problem document, a refusal) count as failures,
/// and their connection is closed and opened again rather than parsed further.
/// </remarks>
internal sealed class RawVoters
{
    /// <summary>What became of one vote: when it was due, when its answer arrived, its status (0 when none came).</summary>
    internal delegate void Answered(long due, long answeredAt, int status);

    private readonly Channel<long> _due = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly string _host;
    private readonly int _port;
    private readonly byte[] _request;
    private readonly Answered _answered;
    private readonly Task[] _connections;

    public RawVoters(Uri pollUrl, string path, string jsonBody, int connections, Answered answered)
    {
        _host = pollUrl.Host;
        _port = pollUrl.Port;
        var body = Encoding.UTF8.GetBytes(jsonBody);
        _request = [.. Encoding.ASCII.GetBytes(
            $"POST {path} HTTP/1.1\r\nHost: {pollUrl.Authority}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n"), .. body];
        _answered = answered;
        _connections = [.. Enumerable.Range(0, connections).Select(_ => Task.Run(RunAsync))];
    }

    /// <summary>Queues one vote, due now (a Stopwatch timestamp).</summary>
    public void Send(long due) => _due.Writer.TryWrite(due);

    /// <summary>Waits until every queued vote has its answer.</summary>
    public Task CompleteAsync()
    {
        _due.Writer.Complete();
        return Task.WhenAll(_connections);
    }

    private async Task RunAsync()
    {
        var buffer = new byte[16 * 1024];
        Socket? socket = null;
        try
        {
            await foreach (var due in _due.Reader.ReadAllAsync())
            {
                var status = 0;
                try
                {
                    // A server that stops answering fails the vote rather than hanging the run.
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                    if (socket is null)
                    {
                        socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                        await socket.ConnectAsync(_host, _port, timeout.Token);
                    }
                    await socket.SendAsync(_request, SocketFlags.None, timeout.Token);
                    status = await ReadAnswerAsync(socket, buffer, timeout.Token);
                }
                catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
                {
                    status = 0;
                }
                _answered(due, Stopwatch.GetTimestamp(), status);
                if (status != 202)
                {
                    socket?.Dispose();
                    socket = null;
                }
            }
        }
        finally
        {
            socket?.Dispose();
        }
    }

    /// <summary>
    /// Reads one answer: the status line and headers, then Content-Length bytes of body. Returns the
    /// status, or 0 when the answer cannot be followed on this connection (a chunked body, a close).
    /// </summary>
    private static async Task<int> ReadAnswerAsync(Socket socket, byte[] buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        int headerEnd;
        while ((headerEnd = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
        {
            if (filled == buffer.Length)
            {
                return 0;
            }
            var read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                return 0;
            }
            filled += read;
        }
        var head = buffer.AsSpan(0, headerEnd);
        if (head.Length < 12 || !Utf8Parser.TryParse(head.Slice(9, 3), out int status, out _))
        {
            return 0;
        }
        var length = ContentLength(head);
        if (length < 0 || IndexOfIgnoreCase(head, "\r\nconnection: close"u8) >= 0)
        {
            return status == 202 ? 0 : status;
        }
        var remaining = headerEnd + 4 + length - filled;
        while (remaining > 0)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(0, Math.Min(buffer.Length, remaining)), SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                return 0;
            }
            remaining -= read;
        }
        return status;
    }

    private static int ContentLength(ReadOnlySpan<byte> head)
    {
        var at = IndexOfIgnoreCase(head, "\r\ncontent-length:"u8);
        if (at < 0)
        {
            return -1;
        }
        var value = head[(at + 17)..];
        var end = value.IndexOf("\r\n"u8);
        value = (end < 0 ? value : value[..end]).Trim((byte)' ');
        return Utf8Parser.TryParse(value, out int length, out var used) && used == value.Length ? length : -1;
    }

    /// <summary>Where an ASCII header text starts in the head, whatever its case; -1 when absent.</summary>
    private static int IndexOfIgnoreCase(ReadOnlySpan<byte> head, ReadOnlySpan<byte> text)
    {
        for (var at = 0; at + text.Length <= head.Length; at++)
        {
            if (Ascii.EqualsIgnoreCase(head.Slice(at, text.Length), text))
            {
                return at;
            }
        }
        return -1;
    }
}
