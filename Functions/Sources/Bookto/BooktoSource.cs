using System.Globalization;
using System.Text;
using System.Text.Json;
using Connectors.Activity;
using Connectors.Connections;
using Connectors.Hosting;
using Connectors.Sources.Fields;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Connectors.Sources.Bookto;

/// <summary>
/// bookto POSTs a signed order.paid to /api/bookto/{connectionId} (seed 001): X-Bookto-Signature = "sha256=" + hex
/// HMAC-SHA256(signing secret, "&lt;X-Bookto-Timestamp&gt;.&lt;raw body&gt;"); timestamps outside the tolerance are refused (replay).
/// </summary>
public sealed class BooktoSource(IOptions<ConnectorOptions> options) : IWebhookSource
{
    public const string EventHeader = "X-Bookto-Event";
    public const string TimestampHeader = "X-Bookto-Timestamp";
    public const string SignatureHeader = "X-Bookto-Signature";

    public string Platform => Connections.Platform.Bookto;
    public AnswerStyle Answers => AnswerStyle.Platform;

    public bool Authenticate(Connection connection, IHeaderDictionary headers, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (headers[TimestampHeader] is not { Count: 1 } ts || headers[SignatureHeader] is not { Count: 1 } sig) return false;
        var timestamp = ts[0]!.Trim();
        if (timestamp.Length is 0 or > 12 || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) return false;
        var sentAt = DateTimeOffset.FromUnixTimeSeconds(Math.Min(seconds, 253402300799));
        if ((now - sentAt).Duration() > options.Value.SignatureTolerance) return false;
        // The signed message is the timestamp exactly as sent, a dot, then the raw body bytes.
        var message = new byte[timestamp.Length + 1 + body.Length];
        Encoding.ASCII.GetBytes(timestamp, message);
        message[timestamp.Length] = (byte)'.';
        body.CopyTo(message.AsSpan(timestamp.Length + 1));
        return Secrets.VerifyHexHmac(connection.WebhookSecret, message, sig[0]);
    }

    public SourceMapping Map(Connection connection, IHeaderDictionary headers, ReadOnlyMemory<byte> body, DateTimeOffset receivedAt)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 32 }); }
        catch (JsonException e) { return new SourceMapping.Invalid("order.paid", "The body is not valid JSON: " + e.Message); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return new SourceMapping.Invalid("(none)", "The body must be a JSON object.");
            // The header names the event; the body repeats it. Either is enough.
            var eventName = headers[EventHeader] is { Count: 1 } h && !string.IsNullOrWhiteSpace(h[0]) ? h[0]!.Trim() : PayloadFields.Text(root, "event", 60);
            if (eventName is null) return new SourceMapping.Invalid("(none)", $"Neither the {EventHeader} header nor the body's event names the event.");
            if (eventName != "order.paid") return new SourceMapping.Ignored(Clip.To(eventName, 60), $"bookto event '{Clip.To(eventName, 60)}' is not posted; only order.paid is.");
            try
            {
                var draft = BooktoOrder.Read(root);
                return new SourceMapping.Events(eventName, [draft]);
            }
            catch (PayloadException e)
            {
                return new SourceMapping.Invalid(eventName, e.Message, PayloadFields.Text(root, "order_id", 100));
            }
        }
    }
}
