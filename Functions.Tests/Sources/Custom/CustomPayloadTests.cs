using System.Text.Json;
using Connectors.Ingest;
using Connectors.Sources.Custom;

namespace Connectors.Tests.Sources.Custom;

/// <summary>The Custom contract's optional fields for ordering and accounting, read field by field.</summary>
public sealed class CustomPayloadTests
{
    static CustomPayload? Read(string json, EventKind kind, out string? error) => CustomPayload.Read(JsonDocument.Parse(json).RootElement, kind, out error);

    [Fact]
    public void Refunded_at_orders_a_refund_by_its_moment_and_refund_date_alone_gives_none()
    {
        var timed = Read("""{"external_id":"O","refund_id":"R","refund_date":"2026-06-01","refunded_at":"2026-06-01T16:40:00+05:30","lines":[{"sku":"A","quantity":1,"rate":10}]}""", EventKind.Refund, out _)!;
        Assert.Equal(new DateTimeOffset(2026, 6, 1, 11, 10, 0, TimeSpan.Zero), timed.Version);
        Assert.Null(Read("""{"external_id":"O","refund_id":"R","refund_date":"2026-06-01","lines":[{"sku":"A","quantity":1,"rate":10}]}""", EventKind.Refund, out _)!.Version);
        Assert.Null(Read("""{"external_id":"O","refund_id":"R","refund_date":"2026-06-01","refunded_at":"soon","lines":[{"sku":"A","quantity":1,"rate":10}]}""", EventKind.Refund, out var error));
        Assert.Contains("refunded_at must be an ISO-8601 timestamp", error);
    }

    [Fact]
    public void Gift_card_and_compensation_are_optional_flags_named_in_errors()
    {
        var sale = Read("""{"external_id":"O","customer_name":"C","order_date":"2026-06-01","lines":[{"sku":"GC","description":"Card","quantity":1,"rate":500,"tax_rate":0,"gift_card":true},{"sku":"A","description":"A","quantity":1,"rate":10,"tax_rate":18}]}""", EventKind.Sale, out _)!;
        Assert.Equal([true, false], sale.Lines.Select(l => l.IsGiftCard));
        var refund = Read("""{"external_id":"O","refund_id":"R","refund_date":"2026-06-02","lines":[{"sku":"A","quantity":1,"rate":15,"compensation":true}]}""", EventKind.Refund, out _)!;
        Assert.True(refund.Lines[0].IsCompensation);
        Assert.Null(Read("""{"external_id":"O","customer_name":"C","order_date":"2026-06-01","lines":[{"sku":"A","description":"A","quantity":1,"rate":10,"tax_rate":18,"gift_card":"yes"}]}""", EventKind.Sale, out var error));
        Assert.Equal("lines[0].gift_card must be true or false.", error);
    }
}
