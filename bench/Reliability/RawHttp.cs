using System.Net.Sockets;
using System.Text;

namespace Connectors.Reliability;

/// <summary>A bare HTTP/1.1 client for what HttpClient will not send: repeated header lines.</summary>
public static class RawHttp
{
    public static async Task<(int Status, string Body)> SendAsync(Uri baseAddress, string method, string path, IEnumerable<(string Name, string Value)> headers, ReadOnlyMemory<byte> body, CancellationToken ct)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(baseAddress.Host, baseAddress.Port, ct);
        await using var stream = client.GetStream();
        var head = new StringBuilder($"{method} {path} HTTP/1.1\r\nHost: {baseAddress.Authority}\r\nConnection: close\r\nContent-Length: {body.Length}\r\n");
        foreach (var (name, value) in headers) head.Append(name).Append(": ").Append(value).Append("\r\n");
        head.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), ct);
        await stream.WriteAsync(body, ct);
        using var response = new MemoryStream();
        await stream.CopyToAsync(response, ct);
        return Parse(response.ToArray());
    }

    static (int Status, string Body) Parse(byte[] raw)
    {
        var text = Encoding.UTF8.GetString(raw);
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (split < 0) throw new HttpRequestException("Incomplete HTTP response.");
        var head = text[..split];
        var status = int.Parse(head.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
        var body = text[(split + 4)..];
        if (head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase)) body = Dechunk(body);
        return (status, body);
    }

    static string Dechunk(string s)
    {
        var sb = new StringBuilder();
        var i = 0;
        while (i < s.Length)
        {
            var eol = s.IndexOf("\r\n", i, StringComparison.Ordinal);
            if (eol < 0) break;
            var size = Convert.ToInt32(s[i..eol].Split(';')[0].Trim(), 16);
            if (size == 0) break;
            // Chunk sizes count bytes; the bodies here are JSON in ASCII, so characters and bytes agree.
            sb.Append(s, eol + 2, Math.Min(size, s.Length - eol - 2));
            i = eol + 2 + size + 2;
        }
        return sb.ToString();
    }
}
