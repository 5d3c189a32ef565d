using System.Text.Json;
using Connectors.Connections;
using Connectors.Sources.Fields;
using Microsoft.AspNetCore.Http;

namespace Connectors.Sources.Selldone;

/// <summary>
/// Selldone's "OnlineOrder" webhook (seed 004, doc.webhook.selldone.com). Selldone documents no signature, so the
/// delivery URL carries a per-connection secret token (/api/selldone/{token}, stored hashed): a request with an unknown
/// token is a 404 and never reaches the books. Knowing the URL is the authentication.
/// </summary>
public sealed class SelldoneSource : IWebhookSource
{
    public const string OnlineOrder = "OnlineOrder";

    public string Platform => Connections.Platform.Selldone;
    public AnswerStyle Answers => AnswerStyle.Platform;

    /// <summary>The secret URL token already authenticated the request in ResolveAsync; there is nothing else to check.</summary>
    public bool Authenticate(Connection connection, IHeaderDictionary headers, ReadOnlySpan<byte> body, DateTimeOffset now) => true;

    public SourceMapping Map(Connection connection, IHeaderDictionary headers, ReadOnlyMemory<byte> body, DateTimeOffset receivedAt)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 }); }
        catch (JsonException e) { return new SourceMapping.Invalid(OnlineOrder, "The body is not valid JSON: " + e.Message); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return new SourceMapping.Invalid(OnlineOrder, "The body must be a JSON object.");
            var ev = PayloadFields.Text(root, "event", 60);
            var action = PayloadFields.Text(root, "action", 60);
            var name = $"{ev ?? "(no event)"}.{action ?? "(no action)"}";
            if (ev != OnlineOrder)
                return ev is null ? new SourceMapping.Invalid(name, "event is required (\"OnlineOrder\").") : new SourceMapping.Ignored(name, $"Selldone event '{ev}' is not posted; only OnlineOrder is.");
            if (action is null) return new SourceMapping.Invalid(name, "action is required (PaymentOrder, CancelProduct, ReturnOrder, ...).");
            string? basketId = null;
            try
            {
                var basket = PayloadFields.Object(root, "basket", "");
                basketId = PayloadFields.Id(basket, "id", "basket");
                return SelldoneOrder.Map(name, action, root, basket, basketId);
            }
            catch (PayloadException e)
            {
                return new SourceMapping.Invalid(name, e.Message, basketId);
            }
        }
    }
}
