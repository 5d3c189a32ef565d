using System.Text.Json;
using Connectors.Ingest;
using Connectors.Sources.Fields;

namespace Connectors.Sources.Selldone;

/// <summary>
/// Selldone's OnlineOrder actions onto canonical events: PaymentOrder -> sale; CancelProduct -> a credit note for the
/// cancelled item (restocked); ReturnOrder -> a credit note for the returned items (restocked); delivery and checkout
/// steps -> recorded only. The basket is selldone/core's Basket model (items: BasketItem[]).
/// </summary>
public static class SelldoneOrder
{
    static readonly HashSet<string> StatusOnly = ["CheckoutOrder", "OrderConfirm", "PreparingOrder", "SentOrder", "ToCustomer", "DeliveryCanceled"];
    /// <summary>Order types that move no stock (Selldone's ProductType codes other than PHYSICAL).</summary>
    static readonly HashSet<string> NoStockTypes = new(["SERVICE", "VIRTUAL", "FILE", "SUBSCRIPTION"], StringComparer.OrdinalIgnoreCase);

    public static SourceMapping Map(string name, string action, JsonElement root, JsonElement basket, string basketId)
    {
        if (StatusOnly.Contains(action))
        {
            var status = PayloadFields.Text(basket, "status", 40) ?? "?";
            var delivery = PayloadFields.Text(basket, "delivery_state", 40) ?? "?";
            return new SourceMapping.Recorded(name, basketId, $"{action}: order status {status}, delivery state {delivery}; nothing posted.");
        }
        return action switch
        {
            "PaymentOrder" => Sale(name, root, basket, basketId),
            "CancelProduct" => Cancelled(name, root, basket, basketId),
            "ReturnOrder" => Returned(name, root, basket, basketId),
            _ => new SourceMapping.Ignored(name, $"Selldone action '{action}' is not posted.", basketId),
        };
    }

    static SourceMapping Sale(string name, JsonElement root, JsonElement basket, string basketId)
    {
        var order = SelldoneBasket.Read(basket);
        var lines = order.Items.Select(i => i.Line).ToList();
        if (order.Shipping is { } shipping) lines.Add(shipping);
        // Dated when it was paid: the basket has no paid time (reserved_at is the checkout's reservation), and PaymentOrder
        // is sent when the buyer pays, the change that stamps the basket's updated_at; else created_at.
        // Measured against the bill's final price: a residue of the spreads' cents goes on a Round off line.
        var e = Event(EventKind.Sale, root, basket, basketId, order, lines, PayloadFields.When(basket, "basket", "updated_at", "created_at")) with { PlatformTotal = order.FinalPrice };
        return new SourceMapping.Events(name, [new EventDraft(e, $"sale|{basketId}")]);
    }

    /// <summary>
    /// The cancelled item is the one the envelope names ("item"/"basket_item"), else every item of the basket marked
    /// cancelled (canceled/cancelled true, a cancel status or a canceled_at time) — Selldone documents no field for it.
    /// </summary>
    static SourceMapping Cancelled(string name, JsonElement root, JsonElement basket, string basketId)
    {
        var order = SelldoneBasket.Read(basket);
        var named = PayloadFields.OptionalObject(root, "item") ?? PayloadFields.OptionalObject(root, "basket_item");
        var namedId = named is { } n ? PayloadFields.OptionalId(n, "id", "item") : null;
        var cancelled = order.Items.Where(i => namedId is not null ? i.Id == namedId : i.IsCancelled).ToList();
        if (namedId is not null && cancelled.Count == 0 && named is { } only)
            cancelled = [SelldoneBasket.ReadItem(only, "item", order.NoStock)];
        if (cancelled.Count == 0)
            throw new PayloadException("CancelProduct names no cancelled item: expected an \"item\" in the envelope or a basket item marked canceled.");
        var date = PayloadFields.When(basket, "basket", "updated_at", "created_at");
        var drafts = cancelled.Select(i =>
            new EventDraft(Event(EventKind.Refund, root, basket, basketId, order, [i.Line with { TaxAmount = null, Restock = !i.Line.IsService }], date) with { RefundId = $"cancel-{i.Id}" },
                $"refund|{basketId}|cancel|{i.Id}")).ToList();
        return new SourceMapping.Events(name, drafts);
    }

    /// <summary>The returned items are those with a returnRequest (its count when it gives one); none marked: the whole order.</summary>
    static SourceMapping Returned(string name, JsonElement root, JsonElement basket, string basketId)
    {
        var order = SelldoneBasket.Read(basket);
        var returned = order.Items.Where(i => i.ReturnedCount is not null).ToList();
        if (returned.Count == 0) returned = order.Items.Select(i => i with { ReturnedCount = i.Line.Quantity }).ToList();
        var date = PayloadFields.When(basket, "basket", "updated_at", "created_at");
        var drafts = returned.Select(i =>
        {
            var qty = Math.Min(i.ReturnedCount!.Value, i.Line.Quantity);
            // A partial return gives back its share of the line's discount.
            var line = i.Line with { Quantity = qty, Discount = decimal.Round(i.Line.Discount * qty / i.Line.Quantity, 2, MidpointRounding.AwayFromZero), TaxAmount = null, Restock = !i.Line.IsService };
            return new EventDraft(Event(EventKind.Refund, root, basket, basketId, order, [line], date) with { RefundId = $"return-{i.Id}" }, $"refund|{basketId}|return|{i.Id}");
        }).ToList();
        return new SourceMapping.Events(name, drafts);
    }

    static CanonicalEvent Event(EventKind kind, JsonElement root, JsonElement basket, string basketId, SelldoneBasket order, IReadOnlyList<CanonicalLine> lines, (DateOnly Date, DateTimeOffset? Utc) date) => new()
    {
        Kind = kind,
        ExternalId = basketId,
        OrderName = PayloadFields.Text(basket, "code", 100),
        Date = date.Date,
        DateUtc = date.Utc,
        Customer = SelldoneCustomer.Read(root, basket),
        Country = SelldoneCustomer.Country(basket),
        PlaceOfSupply = SelldoneCustomer.PlaceOfSupply(basket),
        Currency = order.Currency,
        PricesIncludeTax = order.TaxIncluded,
        Lines = lines,
        SourceStatus = PayloadFields.Text(basket, "status", 40),
    };

    public static bool MovesNoStock(string? type) => type is not null && NoStockTypes.Contains(type);
}
