using System.Globalization;
using Connectors.Tests.Fixtures;
using Connectors.Tests.Posting;
using Connectors.Tests.Reports;
using Connectors.Tests.Sources;
using OpenQA.Selenium;
using static Connectors.Tests.AdminConsole.ConsoleReportsBrowserTests;

namespace Connectors.Tests.AdminConsole;

/// <summary>
/// The VAT book's home country on the Reports screen, in a real browser against VAT books in euros: without it every
/// buyer's country is in the by-country (OSS) section; with home=BE Belgium's sales are domestic and leave it; a code
/// that is not two letters is refused on the page.
/// </summary>
[Collection(ConsoleBrowserTests.Collection)]
public sealed class ConsoleVatBrowserTests(VatBooksHostFixture host) : IClassFixture<VatBooksHostFixture>
{
    [Fact]
    public async Task The_vat_book_with_a_home_country_leaves_its_sales_out_of_the_by_country_section()
    {
        var day = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var books = new BooksClient(host);
        var s = await host.CreateConnectionAsync("shopify");
        foreach (var (id, country, price, rate) in new[] { (7400000000001L, "BE", 100m, 0.21m), (7400000000002L, "FR", 200m, 0.20m) })
        {
            using var response = await host.Http.SendAsync(ShopSamples.Shopify(s.Path, "orders/create", VatReportTests.Order(id, country, price, rate)));
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            await books.VouchersAsync(s.Id, id.ToString(CultureInfo.InvariantCulture), 1);
        }

        using var browser = Browser.Start();
        var d = browser.Driver;
        SignIn(browser, host);
        d.Navigate().GoToUrl(host.BaseUrl + "/api/console/#/reports");
        browser.Find("#report-name");
        Assert.False(browser.Driver.FindElement(By.Id("report-home-field")).Displayed, "Home country shows for GSTR-1.");
        Set(browser, "#report-name", "vat");
        Set(browser, "#report-from", day);
        Set(browser, "#report-to", day);
        List<string> Countries() => browser.All("#vat-country tbody tr:not(.grand)").Select(r => r.FindElement(By.TagName("td")).Text).ToList();

        // No home country: Belgium and France both in the by-country section.
        browser.Find("#show-report").Click();
        browser.Until(() => browser.Exists("#vat-country"), "the by-country section");
        Assert.Equal(["BE", "FR"], Countries());
        Assert.StartsWith("No home country given", browser.Find("#report-home-note").Text);
        var byRate = browser.All("#vat-rate tbody tr").Select(r => r.Text).ToList();

        // Not two letters: refused on the page, naming the field; the report shown stays.
        var home = browser.Find("#report-home");
        home.SendKeys("B1");
        browser.Find("#show-report").Click();
        browser.Until(() => browser.Exists("#report-message") && browser.Find("#report-message").Text.Length > 0, "the home country to be refused");
        Assert.Equal("Home country 'B1' is not a country code: type its 2 letters A-Z (BE, DE, FR), or leave it empty.", browser.Find("#report-message").Text);
        Assert.Equal("true", home.GetDomAttribute("aria-invalid"));
        Assert.StartsWith("No home country given", browser.Find("#report-home-note").Text);

        // Home BE (typed in lower case): Belgium's sale is domestic, only France is left; the by-rate totals do not change.
        home.Clear();
        home.SendKeys("be");
        browser.Find("#show-report").Click();
        browser.Until(() => browser.Find("#report-home-note").Text.StartsWith("Home country BE", StringComparison.Ordinal), "the VAT book for home BE");
        Assert.Equal("", browser.Driver.FindElement(By.Id("report-message")).GetDomProperty("textContent")); // the earlier message is gone
        Assert.Equal(["FR"], Countries());
        Assert.Equal(byRate, browser.All("#vat-rate tbody tr").Select(r => r.Text).ToList());
        Assert.EndsWith($"#/reports?report=vat&from={day}&to={day}&home=BE", d.Url);
        var api = await host.AdminJsonAsync(HttpMethod.Get, $"/api/manage/reports/vat?from={day}&to={day}&home=BE");
        Assert.Equal(Countries(), api.GetProperty("rows").EnumerateArray().Where(r => r.GetProperty("section").GetString() == "country").Select(r => r.GetProperty("country").GetString()));
        browser.Shot("reports-vat-home");

        var violations = browser.CspViolations();
        Assert.True(violations.Count == 0, "CSP violations: " + string.Join("; ", violations));
    }
}
