using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Connectors.Tests.Fixtures;
using Connectors.Tests.Posting;
using Connectors.Tests.Sources;
using static Connectors.Tests.Posting.BooksClient;

namespace Connectors.Tests.Reports;

/// <summary>VAT books (EUR) through the real host: the VAT report by rate, and by country for sales outside the home country.</summary>
public sealed class VatReportTests(VatBooksHostFixture host) : IClassFixture<VatBooksHostFixture>
{
    readonly BooksClient _books = new(host);
    static string Day => DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The Shopify sample in euros, shipped to <paramref name="country"/>: 1 × price net plus VAT at rate.</summary>
    internal static byte[] Order(long id, string country, decimal price, decimal rate) =>
        ShopSamples.Edited("shopify", "orders-create--india-inclusive.json", o =>
        {
            var vat = Math.Round(price * rate, 2);
            o["id"] = id;
            o["currency"] = "EUR";
            o["taxes_included"] = false;
            o["processed_at"] = Day + "T11:00:00+01:00";
            o["created_at"] = Day + "T11:00:00+01:00";
            var li = o["line_items"]![0]!;
            li["price"] = price.ToString("0.00", CultureInfo.InvariantCulture);
            li["quantity"] = 1;
            li["current_quantity"] = 1;
            li["tax_lines"] = new JsonArray(new JsonObject { ["title"] = "VAT", ["price"] = vat.ToString("0.00", CultureInfo.InvariantCulture), ["rate"] = rate });
            o["total_price"] = (price + vat).ToString("0.00", CultureInfo.InvariantCulture);
            foreach (var a in new[] { "shipping_address", "billing_address" })
            {
                o[a]!["country_code"] = country;
                o[a]!["province_code"] = null;
                o[a]!["province"] = null;
            }
        });

    [Fact]
    public async Task Vat_report_totals_by_rate_and_by_country_outside_home()
    {
        var s = await host.CreateConnectionAsync("shopify");
        foreach (var (id, country, price, rate) in new[] { (7300000000001L, "BE", 100m, 0.21m), (7300000000002L, "FR", 200m, 0.20m), (7300000000003L, "FR", 50m, 0.20m) })
        {
            using var response = await host.Http.SendAsync(ShopSamples.Shopify(s.Path, "orders/create", Order(id, country, price, rate)));
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            await _books.VouchersAsync(s.Id, id.ToString(CultureInfo.InvariantCulture), 1);
        }
        var c = await _books.CustomConnectionAsync();
        Assert.Equal(200, await _books.SendAsync(c, "order.created", new { external_id = "VAT-C1", customer_name = "Anna", order_date = Day, currency = "EUR", lines = new[] { Line("VAT-W", 1, 10, 21) } }));
        await _books.VouchersAsync(c.Id, "VAT-C1", 1);

        var r = await host.AdminJsonAsync(HttpMethod.Get, $"/api/manage/reports/vat?from={Day}&to={Day}&home=BE");
        var rows = r.GetProperty("rows").EnumerateArray().ToList();
        JsonElement Row(string section, string? country, decimal rate) => Assert.Single(rows, x => x.GetProperty("section").GetString() == section
            && (country is null || x.GetProperty("country").GetString() == country) && x.GetProperty("rate").GetDecimal() == rate);
        // By rate: 20 %: 200 + 50 = 250, VAT 40 + 10 = 50; 21 %: 100 + 10 = 110, VAT 21 + 2.10 = 23.10.
        var twenty = Row("rate", null, 20m);
        Assert.Equal((250m, 50m, 300m, 2), (twenty.GetProperty("taxable").GetDecimal(), twenty.GetProperty("vat").GetDecimal(), twenty.GetProperty("total").GetDecimal(), twenty.GetProperty("vouchers").GetInt32()));
        var twentyOne = Row("rate", null, 21m);
        Assert.Equal((110m, 23.10m), (twentyOne.GetProperty("taxable").GetDecimal(), twentyOne.GetProperty("vat").GetDecimal()));
        // Outside the home country (BE): France at 20 %, nothing else.
        var countries = rows.Where(x => x.GetProperty("section").GetString() == "country").ToList();
        var france = Assert.Single(countries);
        Assert.Equal(("FR", 250m, 50m), (france.GetProperty("country").GetString(), france.GetProperty("taxable").GetDecimal(), france.GetProperty("vat").GetDecimal()));
    }

    [Theory]
    [InlineData("B1")]
    [InlineData("BEL")]
    [InlineData("É")]
    public async Task A_home_country_that_is_not_two_letters_is_refused_naming_it(string home)
    {
        var e = await host.AdminJsonAsync(HttpMethod.Get, $"/api/manage/reports/vat?from={Day}&to={Day}&home={Uri.EscapeDataString(home)}", expect: 400);
        Assert.Equal($"home must be a two-letter country code (ISO 3166-1 alpha-2, e.g. DE), not '{home}'.", e.GetProperty("error").GetString());
    }
}
