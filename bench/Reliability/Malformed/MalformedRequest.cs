namespace Connectors.Reliability.Malformed;

public enum Transport
{
    /// <summary>HttpClient with Content-Length.</summary>
    Sized,
    /// <summary>HttpClient with a body of unknown length (chunked): the limit must hold without Content-Length.</summary>
    Chunked,
    /// <summary>Raw HTTP/1.1 over a socket: header lines repeated exactly as written (HttpClient would fold them).</summary>
    Raw,
}

/// <param name="Statuses">The HTTP statuses that are right for this request.</param>
/// <param name="Answer">The "status" word the JSON body must carry, when one is fixed.</param>
/// <param name="Mentions">A word the error must contain (case-insensitive): it names the problem.</param>
/// <param name="Partition">The activity partition the request must be logged in (a connection id or "_unrouted"); null for admin routes.</param>
public sealed record Expectation(int[] Statuses, string? Answer, string? Mentions, string? Partition);

/// <summary>One generated bad request and what the host must answer to it.</summary>
public sealed record MalformedRequest(string Kind, string Route, HttpMethod Method, string Path, ReadOnlyMemory<byte> Body, string? ContentType,
    IReadOnlyList<(string Name, string Value)> Headers, Transport Transport, Expectation Expect)
{
    public override string ToString() => $"{Kind} {Method} {Route} ({Body.Length} bytes, {Transport})";
}
