using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Connectors.Tests.Clients;

/// <summary>What the proxy does with one request before its plan runs out.</summary>
public enum Fault { Drop, Unavailable }

/// <summary>
/// A tiny HTTP/1.1 server on a raw socket in front of the real host: it counts the requests, answers the planned
/// faults first (a connection reset after the request is read, a 503 with the host's JSON shape), then forwards the
/// rest to the host unchanged (body bytes and headers). A raw socket, because a reset is what a network error looks like.
/// </summary>
public sealed class FlakyProxy : IAsyncDisposable
{
    public const string UnavailableError = "Storage is unreachable; nothing was accepted. Retry with back-off.";

    readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    readonly Uri _target;
    readonly Queue<Fault> _plan;
    readonly bool _alwaysUnavailable;
    readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    readonly CancellationTokenSource _stop = new();
    readonly Task _loop;
    int _requests;

    public string BaseUrl { get; }
    public int Requests => Volatile.Read(ref _requests);

    public FlakyProxy(string target, IEnumerable<Fault>? plan = null, bool alwaysUnavailable = false)
    {
        _target = new Uri(target);
        _plan = new Queue<Fault>(plan ?? []);
        _alwaysUnavailable = alwaysUnavailable;
        _listener.Start();
        BaseUrl = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>The same path on the proxy (a delivery URL of the host, pointed here).</summary>
    public string Url(string hostUrl) => BaseUrl + new Uri(hostUrl).PathAndQuery;

    async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try { socket = await _listener.AcceptSocketAsync(_stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
            _ = Task.Run(() => ServeAsync(socket));
        }
    }

    /// <summary>One request per connection (answers say Connection: close).</summary>
    async Task ServeAsync(Socket socket)
    {
        using (socket)
        await using (var stream = new NetworkStream(socket, ownsSocket: false))
        {
            try
            {
                var (method, path, headers, body) = await ReadRequestAsync(stream);
                Interlocked.Increment(ref _requests);
                Fault? fault;
                lock (_plan) fault = _plan.Count > 0 ? _plan.Dequeue() : _alwaysUnavailable ? Fault.Unavailable : null;
                if (fault == Fault.Drop)
                {
                    socket.LingerState = new LingerOption(true, 0); // close with RST: "connection reset by peer"
                    return;
                }
                if (fault == Fault.Unavailable)
                {
                    await WriteAsync(stream, 503, "Service Unavailable", "application/json; charset=utf-8",
                        Encoding.UTF8.GetBytes($$"""{"status":"unavailable","error":"{{UnavailableError}}"}"""));
                    return;
                }
                using var forward = new HttpRequestMessage(new HttpMethod(method), new Uri(_target, path)) { Content = new ByteArrayContent(body) };
                foreach (var (name, value) in headers)
                {
                    if (name.ToLowerInvariant() is "host" or "content-length" or "connection" or "transfer-encoding" or "expect") continue;
                    if (!forward.Headers.TryAddWithoutValidation(name, value)) forward.Content.Headers.TryAddWithoutValidation(name, value);
                }
                using var answer = await _http.SendAsync(forward);
                await WriteAsync(stream, (int)answer.StatusCode, answer.ReasonPhrase ?? "", answer.Content.Headers.ContentType?.ToString(),
                    await answer.Content.ReadAsByteArrayAsync());
            }
            catch (Exception e) when (e is IOException or SocketException or InvalidDataException) { }
        }
    }

    static async Task<(string Method, string Path, List<(string, string)> Headers, byte[] Body)> ReadRequestAsync(NetworkStream stream)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (buffer.Count < 4 || !(buffer[^4] == '\r' && buffer[^3] == '\n' && buffer[^2] == '\r' && buffer[^1] == '\n'))
        {
            if (await stream.ReadAsync(one) == 0) throw new InvalidDataException("The connection closed before the request's headers ended.");
            buffer.Add(one[0]);
            if (buffer.Count > 64 * 1024) throw new InvalidDataException("Headers too long.");
        }
        var lines = Encoding.ASCII.GetString(buffer.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var start = lines[0].Split(' ');
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Select(p => (p[0].Trim(), p.Length > 1 ? p[1].Trim() : "")).ToList();
        var length = headers.Where(h => h.Item1.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Select(h => int.Parse(h.Item2)).FirstOrDefault();
        if (headers.Any(h => h.Item1.Equals("Expect", StringComparison.OrdinalIgnoreCase)))
            await stream.WriteAsync("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray());
        var body = new byte[length];
        await stream.ReadExactlyAsync(body);
        return (start[0], start[1], headers, body);
    }

    static async Task WriteAsync(NetworkStream stream, int status, string reason, string? contentType, byte[] body)
    {
        var head = $"HTTP/1.1 {status} {reason}\r\n" + (contentType is null ? "" : $"Content-Type: {contentType}\r\n") +
                   $"Content-Length: {body.Length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(body);
        await stream.FlushAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try { await _loop; } catch (OperationCanceledException) { }
        _listener.Dispose();
        _http.Dispose();
        _stop.Dispose();
    }
}
