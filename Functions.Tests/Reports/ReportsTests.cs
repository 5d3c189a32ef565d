using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Connectors.Tests.Fixtures;
using Connectors.Tests.Posting;
using static Connectors.Tests.Posting.BooksClient;

namespace Connectors.Tests.Reports;

/// <summary>
/// The reports through the real host (GST books, home state 29), over Custom and Shopify orders posted this month, with
/// worked numbers: a B2B sale and its credit note, two B2C sales and a refund, a B2C large sale, a Shopify export.
/// </summary>
public sealed class ReportsTests(HostFixture host) : IClassFixture<HostFixture>
{
    readonly BooksClient _books = new(host);
    static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);
    static readonly DateOnly First = new(Today.Year, Today.Month, 1);
    static string Day => Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    static string Period => $"from={First:yyyy-MM-dd}&to={Day}";
    const string Gstin = "27AAPFU0939F1ZV";

    static Dictionary<string, JsonElement>[] Rows(JsonElement report, string? table = null) =>
        [.. report.GetProperty("rows").EnumerateArray().Where(r => table is null || r.GetProperty("table").GetString() == table)
            .Select(r => r.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone()))];

    static decimal D(Dictionary<string, JsonElement> row, string column) => row[column].GetDecimal();
    static string? S(Dictionary<string, JsonElement> row, string column) => row[column].ValueKind == JsonValueKind.Null ? null : row[column].ToString();

    /// <summary>The month's orders are posted once per fixture (xUnit makes a new instance per test).</summary>
    static readonly System.Runtime.CompilerServices.ConditionalWeakTable<HostFixture, Task> Posted = new();

    Task PostMonthAsync() => Posted.GetValue(host, _ => PostAsync());

    async Task PostAsync()
    {
        await host.AdminJsonAsync(HttpMethod.Put, "/api/manage/items/RPT-A", new { name = "Laptop", stock = 100, hsn = "8471" });
        await host.AdminJsonAsync(HttpMethod.Put, "/api/manage/items/RPT-B", new { name = "T-shirt", stock = 10, hsn = "6109" });
        var c = await _books.CustomConnectionAsync();
        // B2B, inter-state (27): 2 × 1000 @ 18 % = 2000 + IGST 360 = 2360; its buyer's name holds a comma (quoted in CSV).
        Assert.Equal(200, await _books.SendAsync(c, "order.created", new { external_id = "R-B2B", customer_name = "Rao, Asha & Co", customer_gstin = Gstin, order_date = Day, buyer_state_code = "27", lines = new[] { Line("RPT-A", 2, 1000, 18) } }));
        // B2C in the home state: 1 × 500 @ 12 % = 500 + 30 + 30 = 560; 3 × 100 @ 12 % = 300 + 18 + 18 = 336.
        Assert.Equal(200, await _books.OrderAsync(c, "R-C1", "29", Day, Line("RPT-B", 1, 500, 12)));
        Assert.Equal(200, await _books.OrderAsync(c, "R-C2", "29", Day, Line("RPT-B", 3, 100, 12)));
        // B2C large: inter-state to an unregistered buyer, 60 × 2000 @ 18 % = 120000 + IGST 21600 = 141600 > 1,00,000.
        Assert.Equal(200, await _books.OrderAsync(c, "R-L", "27", Day, Line("RPT-A", 60, 2000, 18)));
        await _books.VouchersAsync(c.Id, "R-B2B", 1);
        await _books.VouchersAsync(c.Id, "R-C1", 1);
        // Refunds: 1 laptop of the B2B sale (CN 1000 + 180 = 1180) and the T-shirt of R-C1 (CN 560), both restocked.
        Assert.Equal(200, await _books.RefundAsync(c, "R-B2B", "RF-1", Day, RefundLine("RPT-A", 1, 1000)));
        Assert.Equal(200, await _books.RefundAsync(c, "R-C1", "RF-2", Day, RefundLine("RPT-B", 1, 500)));
        await _books.VouchersAsync(c.Id, "R-B2B", 2);
        await _books.VouchersAsync(c.Id, "R-C1", 2);
        await _books.VouchersAsync(c.Id, "R-C2", 1);
        await _books.VouchersAsync(c.Id, "R-L", 1);

        // Shopify: the India sample shipped to the US, 1 × 1000 without tax: a zero-rated export (GSTR-1 table 6A, WOPAY).
        var s = await host.CreateConnectionAsync("shopify");
        var body = ShopSamples.Edited("shopify", "orders-create--india-inclusive.json", o =>
        {
            o["id"] = 7200000000001;
            o["taxes_included"] = false;
            o["processed_at"] = Day + "T11:00:00+05:30";
            o["created_at"] = Day + "T11:00:00+05:30";
            var li = o["line_items"]![0]!;
            li["price"] = "1000.00";
            li["quantity"] = 1;
            li["current_quantity"] = 1;
            li["tax_lines"] = new JsonArray();
            o["total_price"] = "1000.00";
            foreach (var a in new[] { "shipping_address", "billing_address" })
            {
                o[a]!["country_code"] = "US";
                o[a]!["province_code"] = null;
                o[a]!["province"] = null;
            }
        });
        using var response = await host.Http.SendAsync(ShopSamples.Shopify(s.Path, "orders/create", body));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        await _books.VouchersAsync(s.Id, "7200000000001", 1);
    }

    [Fact]
    public async Task Gstr1_fills_tables_4A_5_6A_7_9B_12_and_13_with_worked_numbers()
    {
        await PostMonthAsync();
        var r = await host.AdminJsonAsync(HttpMethod.Get, "/api/manage/reports/gstr1?" + Period);

        var b2b = Assert.Single(Rows(r, "4A"));
        Assert.Equal((Gstin, "Rao, Asha & Co", "27"), (S(b2b, "gstin"), S(b2b, "receiver"), S(b2b, "placeOfSupply")));
        Assert.Equal((18m, 2000m, 360m, 0m, 0m, 2360m), (D(b2b, "rate"), D(b2b, "taxable"), D(b2b, "igst"), D(b2b, "cgst"), D(b2b, "sgst"), D(b2b, "value")));

        var large = Assert.Single(Rows(r, "5"));
        Assert.Equal((120000m, 21600m, 141600m), (D(large, "taxable"), D(large, "igst"), D(large, "value")));

        var export = Assert.Single(Rows(r, "6A"));
        Assert.Equal(("WOPAY", "96", 0m, 1000m, 0m), (S(export, "supplyType"), S(export, "placeOfSupply"), D(export, "rate"), D(export, "taxable"), D(export, "igst")));

        // Table 7, state 29 at 12 %: 500 + 300 sold, 500 credited: 300, CGST 18, SGST 18.
        var b2c = Assert.Single(Rows(r, "7"));
        Assert.Equal(("29", 12m, 300m, 18m, 18m, 0m), (S(b2c, "placeOfSupply"), D(b2c, "rate"), D(b2c, "taxable"), D(b2c, "cgst"), D(b2c, "sgst"), D(b2c, "igst")));

        // 9B: the B2B credit note (registered: CDNR), linked to its invoice; the B2C one is netted in table 7.
        var note = Assert.Single(Rows(r, "9B"));
        Assert.Equal(("C", "CDNR", Gstin, S(b2b, "number")), (S(note, "noteType"), S(note, "supplyType"), S(note, "gstin"), S(note, "linkedTo")));
        Assert.Equal((1000m, 180m, 1180m), (D(note, "taxable"), D(note, "igst"), D(note, "value")));

        // 12: B2B 8471 at 18 %: 2 sold − 1 credited; B2C 6109 at 12 %: 1 + 3 − 1; B2C 8471 at 18 %: 60.
        var hsn = Rows(r, "12");
        var b2b8471 = Assert.Single(hsn, h => S(h, "supplyType") == "B2B");
        Assert.Equal(("8471", "Laptop", "NOS", 1m, 1000m, 180m, 1180m), (S(b2b8471, "hsn"), S(b2b8471, "description"), S(b2b8471, "uqc"), D(b2b8471, "quantity"), D(b2b8471, "taxable"), D(b2b8471, "igst"), D(b2b8471, "value")));
        var tshirts = Assert.Single(hsn, h => S(h, "hsn") == "6109");
        Assert.Equal((3m, 300m, 18m, 18m, 336m), (D(tshirts, "quantity"), D(tshirts, "taxable"), D(tshirts, "cgst"), D(tshirts, "sgst"), D(tshirts, "value")));
        var b2c8471 = Assert.Single(hsn, h => S(h, "hsn") == "8471" && S(h, "supplyType") == "B2C");
        Assert.Equal((60m, 120000m, 21600m), (D(b2c8471, "quantity"), D(b2c8471, "taxable"), D(b2c8471, "igst")));

        // 13: five invoices (four Custom, one Shopify) and two credit notes, nothing cancelled.
        var docs = Rows(r, "13");
        var invoices = Assert.Single(docs, d => S(d, "supplyType") == "Invoices for outward supply");
        Assert.Equal((5m, 0m), (D(invoices, "count"), D(invoices, "cancelled")));
        Assert.Matches(@"^SV/\d\d-\d\d/000001$", S(invoices, "firstNumber"));
        Assert.Matches(@"^SV/\d\d-\d\d/000005$", S(invoices, "lastNumber"));
        Assert.Equal(2m, D(Assert.Single(docs, d => S(d, "supplyType") == "Credit Note"), "count"));

        // The HSN route is table 12 alone.
        var hsnOnly = await host.AdminJsonAsync(HttpMethod.Get, "/api/manage/reports/hsn?" + Period);
        Assert.Equal(hsn.Length, Rows(hsnOnly).Length);
        Assert.All(Rows(hsnOnly), h => Assert.Equal("12", S(h, "table")));
    }

    [Fact]
    public async Task Sales_and_note_registers_and_the_period_trial_balance_add_up()
    {
        await PostMonthAsync();
        var sales = await host.AdminJsonAsync(HttpMethod.Get, "/api/manage/reports/sales-register?" + Period);
        Assert.Equal(7, Rows(sales).Length);
        var sum = sales.GetProperty("summary");
        // 2360 + 560 + 336 + 141600 + 1000 − 1180 − 560 = 144116 = 122300 taxable + IGST 21780 + CGST 18 + SGST 18.
        Assert.Equal((144116m, 122300m, 21780m, 18m, 18m), (sum.GetProperty("total").GetDecimal(), sum.GetProperty("taxable").GetDecimal(),
            sum.GetProperty("igst").GetDecimal(), sum.GetProperty("cgst").GetDecimal(), sum.GetProperty("sgst").GetDecimal()));
        var b2b = Assert.Single(Rows(sales), v => S(v, "reference") == "R-B2B" && S(v, "type") == "sales");
        Assert.Equal((Gstin, "27", 2360m), (S(b2b, "buyerTaxId"), S(b2b, "placeOfSupply"), D(b2b, "total")));

        var notes = await host.AdminJsonAsync(HttpMethod.Get, "/api/manage/reports/note-register?" + Period);
        Assert.Equal(2, Rows(notes).Length);
        Assert.Equal(1740m, notes.GetProperty("summary").GetProperty("credited").GetDecimal());
        Assert.Contains(Rows(notes), n => S(n, "reference") == "RF-1" && S(n, "linkedTo") == S(b2b, "number") && D(n, "total") == 1180m);

        var tb = await host.AdminJsonAsync(HttpMethod.Get, "/api/manage/reports/trial-balance?" + Period);
        Assert.True(tb.GetProperty("summary").GetProperty("balanced").GetBoolean());
        var debtors = Assert.Single(Rows(tb), a => S(a, "account") == "Debtors");
        Assert.Equal((145856m, 1740m, 144116m), (D(debtors, "debit"), D(debtors, "credit"), D(debtors, "balance")));
        var igst = Assert.Single(Rows(tb), a => S(a, "account") == "Output IGST");
        Assert.Equal(-21780m, D(igst, "balance"));

        // A period before the month holds none of it.
        var before = await host.AdminJsonAsync(HttpMethod.Get, $"/api/manage/reports/sales-register?from={First.AddMonths(-1):yyyy-MM-dd}&to={First.AddDays(-1):yyyy-MM-dd}");
        Assert.Empty(Rows(before));
    }

    [Fact]
    public async Task Stock_ledger_shows_opening_each_movement_with_its_voucher_and_closing()
    {
        await PostMonthAsync();
        var r = await host.AdminJsonAsync(HttpMethod.Get, "/api/manage/reports/stock-ledger?item=RPT-A&" + Period);
        var rows = Rows(r);
        Assert.Equal(("opening", 0m), (S(rows[0], "kind"), D(rows[0], "balance")));
        Assert.Equal(("closing", 39m), (S(rows[^1], "kind"), D(rows[^1], "balance")));
        // The count of 100 in; 2 and 60 out with their sales; 1 back with its credit note: 100 − 62 + 1 = 39.
        var moves = rows[1..^1];
        Assert.Equal(4, moves.Length);
        Assert.Equal((101m, 62m), (moves.Sum(m => D(m, "in")), moves.Sum(m => D(m, "out"))));
        Assert.Equal(("count", 100m), (S(moves[0], "kind"), D(moves[0], "in")));
        Assert.All(moves[1..], m => Assert.Matches(@"^(SV|CN)/\d\d-\d\d/\d{6}$", S(m, "vouchers")));
        Assert.Equal(39m, D(moves[^1], "balance"));
        Assert.Equal(39m, await _books.StockAsync("RPT-A"));
    }

    [Fact]
    public async Task Csv_is_rfc_4180_and_bad_periods_are_named()
    {
        await PostMonthAsync();
        using var response = await host.Http.SendAsync(host.Admin(HttpMethod.Get, "/api/manage/reports/gstr1?format=csv&" + Period));
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var csv = await response.Content.ReadAsStringAsync();
        var lines = csv.Split("\r\n");
        Assert.StartsWith("table,gstin,receiver,number,date,", lines[0]);
        Assert.Equal("", lines[^1]);
        Assert.Contains(lines, l => l.StartsWith($"4A,{Gstin},\"Rao, Asha & Co\",SV/", StringComparison.Ordinal));

        var missing = await host.AdminJsonAsync(HttpMethod.Get, "/api/manage/reports/gstr1?from=2026-05-01", expect: 400);
        Assert.Contains("from and to are required", missing.GetProperty("error").GetString());
        var reversed = await host.AdminJsonAsync(HttpMethod.Get, "/api/manage/reports/gstr1?from=2026-05-31&to=2026-05-01", expect: 400);
        Assert.Contains("before from", reversed.GetProperty("error").GetString());
        var unknown = await host.AdminJsonAsync(HttpMethod.Get, "/api/manage/reports/nope?" + Period, expect: 404);
        Assert.Contains("gstr1", unknown.GetProperty("error").GetString());
        var badHsn = await host.AdminJsonAsync(HttpMethod.Put, "/api/manage/items/RPT-X", new { name = "X", hsn = "84A1" }, expect: 400);
        Assert.Contains("hsn", badHsn.GetProperty("error").GetString());
    }
}
