using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace Connectors.Http;

/// <summary>The one way a request body is read whole (deliveries, admin bodies): never more than a limit held in memory.</summary>
public static class BoundedBody
{
    /// <summary>
    /// The body, or null when it is larger than maxBytes. A declared Content-Length over the limit is refused before
    /// anything is read; a declared length is read into a buffer of that size (the server holds the body to it); a body
    /// without one (chunked) is read until it ends or passes the limit.
    /// </summary>
    public static async Task<ReadOnlyMemory<byte>?> ReadAsync(HttpRequest request, int maxBytes, CancellationToken ct)
    {
        if (request.ContentLength is { } length)
        {
            if (length > maxBytes) return null;
            var exact = new byte[length];
            var filled = await request.Body.ReadAtLeastAsync(exact, exact.Length, throwOnEndOfStream: false, ct);
            return exact.AsMemory(0, filled);
        }

        var buffer = new MemoryStream(4096);
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > maxBytes) return null;
                buffer.Write(chunk, 0, read);
            }
        }
        finally { ArrayPool<byte>.Shared.Return(chunk); }
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }
}
