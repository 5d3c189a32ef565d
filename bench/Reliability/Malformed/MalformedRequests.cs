using System.Text;
using Connectors.Activity;
using Connectors.Reliability.Routes;

namespace Connectors.Reliability.Malformed;

/// <summary>A source route on the host under test, with the connection the generator aims at.</summary>
public sealed record LiveRoute(SourceRoute Route, CreatedConnection Connection);

/// <summary>
/// The deterministic generator (one seeded System.Random): source requests spread over every live source route, admin
/// requests over every admin route; each request carries what the host must answer and where it must be logged.
/// </summary>
public sealed class MalformedRequests(IReadOnlyList<LiveRoute> routes, AdminRoutes admin, int seed)
{
    static readonly HttpMethod[] WrongMethods = [HttpMethod.Get, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch];
    static readonly string[] WrongContentTypes = ["text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/octet-stream", "application/jsonp"];

    public IEnumerable<MalformedRequest> Generate(int count)
    {
        var r = new Random(seed);
        for (var i = 0; i < count; i++)
            yield return r.Next(10) < 7 ? Source(r, routes[r.Next(routes.Count)], i) : admin.Next(r);
    }

    MalformedRequest Source(Random r, LiveRoute live, int i)
    {
        var (route, c) = (live.Route, live.Connection);
        var path = route.PathOf(c);
        var valid = route.Strict ? BadBodies.Write(BadBodies.CustomOrder($"ORD-{seed}-{i}")) : "{}"u8.ToArray();
        // What an authenticated delivery the route cannot use gets: 400 on Custom, 200 "unprocessable" on platforms.
        Expectation Unusable(string? mentions) => route.Strict
            ? new([400], "invalid", mentions, c.Id)
            : new([200], "unprocessable", null, c.Id);
        MalformedRequest Signed(string kind, byte[] body, Expectation expect, string? eventName = null, string? contentType = "application/json", Transport transport = Transport.Sized) =>
            new(kind, route.Name, HttpMethod.Post, path, body, contentType,
                [.. route.Locator(c), .. route.EventHeaders(eventName ?? route.PostedEvent), .. route.Sign(c, body)], transport, expect);

        var pick = r.Next(route.Strict ? 14 : 12);
        switch (pick)
        {
            case 0 or 1 or 2:
            {
                var (kind, body, mentions) = BadBodies.Generic(r, valid);
                return Signed(kind, body, Unusable(route.Strict ? mentions : null));
            }
            case 3:
            {
                // Over the 1 MiB limit, with and without Content-Length: 413 before anything is read further.
                var body = BadBodies.Oversized.AsMemory(0, 1024 * 1024 + 1 + r.Next(4000));
                var chunked = r.Next(2) == 0;
                return new("over-limit", route.Name, HttpMethod.Post, path, body, "application/json", [.. route.Locator(c), .. route.EventHeaders(route.PostedEvent)],
                    chunked ? Transport.Chunked : Transport.Sized, new([413], "too_large", "larger", c.Id));
            }
            case 4:
                return new("wrong-method", route.Name, WrongMethods[r.Next(WrongMethods.Length)], path, valid, "application/json", [.. route.Locator(c)], Transport.Sized,
                    new([405], null, "not allowed", ActivityLog.Unrouted));
            case 5:
            {
                var type = WrongContentTypes[r.Next(WrongContentTypes.Length)];
                return Signed("wrong-content-type", valid, new([415], "unsupported_media_type", "Content-Type", c.Id), contentType: type);
            }
            case 6:
            {
                var name = "unknown." + r.Next(1000);
                var body = route.EventHeader is null ? route.UnknownEventBody(name) : route.Strict ? valid : "{}"u8.ToArray();
                return Signed("unknown-event", body, route.Strict ? new([400], "invalid", "Unknown event", c.Id) : new([200], "ignored", null, c.Id), eventName: name);
            }
            case 7:
            {
                // A route with no connection behind it: 404, logged as unrouted, and never a hint of why.
                var unknown = route.UnknownPath(r);
                IEnumerable<(string, string)> locator = route.NeedsStoreCode ? (r.Next(2) == 0 ? [] : [("Jumpseller-Store-Code", "nobody-" + r.Next(100000))]) : [];
                return new("unknown-connection", route.Name, HttpMethod.Post, unknown, valid, "application/json", [.. locator, .. route.EventHeaders(route.PostedEvent)], Transport.Sized,
                    new([404], "not_found", "Unknown or revoked connection", ActivityLog.Unrouted));
            }
            case 8 when route.Signed:
                // No signature at all.
                return new("missing-signature", route.Name, HttpMethod.Post, path, valid, "application/json", [.. route.Locator(c), .. route.EventHeaders(route.PostedEvent)], Transport.Sized,
                    new([401], "unauthorized", "signature", c.Id));
            case 9 when route.Signed:
            {
                // The right signature, sent twice as two header lines: ambiguous, refused.
                var sig = route.Sign(c, valid).ToList();
                return new("duplicated-signature", route.Name, HttpMethod.Post, path, valid, "application/json", [.. route.Locator(c), .. route.EventHeaders(route.PostedEvent), .. sig, .. sig], Transport.Raw,
                    new([401], "unauthorized", "signature", c.Id));
            }
            case 10 when route.EventHeader is not null:
            {
                // The event header left out, or sent twice: the delivery cannot say what it is.
                var twice = r.Next(2) == 0;
                var body = route.Strict ? valid : BadBodies.Generic(r, valid).Body;
                IEnumerable<(string, string)> events = twice ? [.. route.EventHeaders(route.PostedEvent), .. route.EventHeaders(route.PostedEvent)] : [];
                return new(twice ? "duplicated-event-header" : "missing-event-header", route.Name, HttpMethod.Post, path, body, "application/json",
                    [.. route.Locator(c), .. events, .. route.Sign(c, body)], Transport.Raw, Unusable(route.Strict ? (twice ? "once" : route.EventHeader) : null));
            }
            case 11 when route.Strict:
                return Signed("missing-content-type", valid, new([415], "unsupported_media_type", "Content-Type", c.Id), contentType: null);
            case 8 or 9 or 10 or 11:
            {
                var (kind, body, _) = BadBodies.Generic(r, valid);
                return Signed(kind, body, Unusable(null));
            }
            default:
            {
                var (kind, body, mentions) = BadBodies.CustomFieldMutation(r, $"ORD-{seed}-{i}");
                return Signed(kind, body, Unusable(mentions));
            }
        }
    }
}
