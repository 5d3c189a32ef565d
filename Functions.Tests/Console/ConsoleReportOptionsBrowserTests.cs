using System.Globalization;
using Connectors.Tests.Fixtures;
using Connectors.Tests.Posting;
using OpenQA.Selenium;
using static Connectors.Tests.AdminConsole.ConsoleReportsBrowserTests;

namespace Connectors.Tests.AdminConsole;

/// <summary>
/// The Reports screen's options in a real browser against the real host: Include test vouchers (registers and trial
/// balance, with a note above the table), one item's stock ledger (and the server's 404 for an unknown item), kept in
/// the link. The VAT book's home country is in ConsoleVatBrowserTests (VAT books of its own).
/// </summary>
[Collection(ConsoleBrowserTests.Collection)]
public sealed class ConsoleReportOptionsBrowserTests(HostFixture host) : IClassFixture<HostFixture>
{
    static string Today => DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    static bool Shown(Browser browser, string css) => browser.Driver.FindElement(By.CssSelector(css)).Displayed;

    static void Period(Browser browser, string day)
    {
        Set(browser, "#report-from", day);
        Set(browser, "#report-to", day);
    }

    [Fact]
    public async Task The_sales_register_with_test_vouchers_lists_them_under_a_note_and_without_them_does_not()
    {
        var books = new BooksClient(host);
        var shop = await books.CustomConnectionAsync();
        var day = Today;
        Assert.Equal(200, await books.OrderAsync(shop, "SCR-REG-1", "29", day, BooksClient.Line("SCR-REG", 1, 100, 18)));
        var real = (await books.VouchersAsync(shop.Id, "SCR-REG-1", 1)).Single().GetProperty("number").GetString()!;
        var test = (await host.AdminJsonAsync(HttpMethod.Post, $"/api/manage/connections/{shop.Id}/test-event", new { @event = "order.created" })).GetProperty("externalId").GetString()!;
        var testNumber = (await books.VouchersAsync(shop.Id, test, 1)).Single().GetProperty("number").GetString()!;
        Assert.StartsWith("TSV/", testNumber);
        var without = (await host.AdminJsonAsync(HttpMethod.Get, $"/api/manage/reports/sales-register?from={day}&to={day}")).GetProperty("rows").GetArrayLength();
        var with = (await host.AdminJsonAsync(HttpMethod.Get, $"/api/manage/reports/sales-register?from={day}&to={day}&includeTest=true")).GetProperty("rows").GetArrayLength();
        Assert.True(with > without, $"with test vouchers {with} rows, without {without}");

        using var browser = Browser.Start();
        var d = browser.Driver;
        SignIn(browser, host);
        d.Navigate().GoToUrl(host.BaseUrl + "/api/console/#/reports");
        browser.Find("#report-name");
        Assert.False(Shown(browser, "#report-include-test-field"), "Include test vouchers shows for GSTR-1, which never takes them.");
        Set(browser, "#report-name", "sales-register");
        Assert.True(Shown(browser, "#report-include-test-field"));
        Period(browser, day);

        // Without: the real voucher, not the test one, and the note says test vouchers are left out.
        browser.Find("#show-report").Click();
        browser.Until(() => browser.Exists($"#report-rows tr[data-number='{real}']"), "the real voucher in the register");
        Assert.False(browser.Exists($"#report-rows tr[data-number='{testNumber}']"), "The test voucher shows without Include test vouchers.");
        Assert.Equal(without, browser.All("#report-rows tbody tr:not(.grand)").Count);
        Assert.Equal("Test vouchers left out.", browser.Find("#report-test-note").Text);

        // With: the test voucher too, marked TEST, under a warning; the link keeps the choice.
        browser.Find("#report-include-test").Click();
        browser.Find("#show-report").Click();
        browser.Until(() => browser.Exists($"#report-rows tr[data-number='{testNumber}']"), "the test voucher in the register");
        Assert.Equal(with, browser.All("#report-rows tbody tr:not(.grand)").Count);
        var note = browser.Find("#report-test-note");
        Assert.StartsWith("Includes test vouchers", note.Text);
        Assert.Contains("warning", note.GetDomAttribute("class"));
        Assert.Equal("TEST", Cell(browser, "#report-rows", $"#report-rows tr[data-number='{testNumber}']", "Test"));
        Assert.EndsWith($"#/reports?report=sales-register&from={day}&to={day}&includeTest=true", d.Url);

        // The CSV is the one with test vouchers, and its name says so.
        browser.Find("#download-csv").Click();
        var file = Path.Combine(browser.Downloads, $"sales-register-{day}-{day}-with-test.csv");
        browser.Until(() => File.Exists(file) && !Directory.EnumerateFiles(browser.Downloads, "*.crdownload").Any(), Path.GetFileName(file));
        Assert.Contains(testNumber, await File.ReadAllTextAsync(file));
        browser.Shot("reports-with-test");

        // The link reopens it as it was: box ticked, test voucher shown.
        d.Navigate().Refresh();
        browser.Until(() => browser.Exists($"#report-rows tr[data-number='{testNumber}']"), "the test voucher after a reload");
        Assert.True(browser.Find("#report-include-test").Selected);
        // Reports that never take test vouchers hide the box.
        Set(browser, "#report-name", "vat");
        Assert.False(Shown(browser, "#report-include-test-field"));

        var violations = browser.CspViolations();
        Assert.True(violations.Count == 0, "CSP violations: " + string.Join("; ", violations));
    }

    [Fact]
    public async Task The_stock_ledger_for_one_picked_item_shows_only_that_item_and_an_unknown_item_shows_the_servers_404()
    {
        var books = new BooksClient(host);
        await books.PutItemAsync("SCR-LEDGER-A", "Ledger widget A", 5);
        await books.PutItemAsync("SCR-LEDGER-B", "Ledger widget B", 3);
        var shop = await books.CustomConnectionAsync();
        var day = Today;
        Assert.Equal(200, await books.OrderAsync(shop, "SCR-LEDGER-1", "29", day, BooksClient.Line("SCR-LEDGER-A", 2, 100, 18)));
        await books.VouchersAsync(shop.Id, "SCR-LEDGER-1", 1);
        await HostFixture.Eventually(async () => await books.StockAsync("SCR-LEDGER-A") == 3m, "stock of SCR-LEDGER-A to be 3");
        var api = await host.AdminJsonAsync(HttpMethod.Get, $"/api/manage/reports/stock-ledger?from={day}&to={day}&item=SCR-LEDGER-A");
        var apiRows = api.GetProperty("rows").GetArrayLength();
        Assert.True(apiRows >= 3, $"opening, the sale's movement and closing: {apiRows} rows");

        using var browser = Browser.Start();
        var d = browser.Driver;
        SignIn(browser, host);
        d.Navigate().GoToUrl(host.BaseUrl + "/api/console/#/reports");
        browser.Find("#report-name");
        Assert.False(Shown(browser, "#report-item-field"), "The item picker shows for GSTR-1.");
        Set(browser, "#report-name", "stock-ledger");
        Assert.True(Shown(browser, "#report-item-field"));
        browser.Until(() => browser.Exists("#report-item option[value='SCR-LEDGER-A']"), "the items in the picker");
        Assert.Equal("All items", browser.Find("#report-item option").Text);
        Assert.Equal("", browser.Find("#report-item").GetDomProperty("value"));
        Period(browser, day);

        // All items first: both items' ledgers.
        browser.Find("#show-report").Click();
        browser.Until(() => browser.Exists("section[data-item='SCR-LEDGER-B']"), "every item's ledger");
        Assert.Contains("SCR-LEDGER-A", browser.All("#report section.report-section").Select(s => s.GetDomAttribute("data-item")));
        Assert.Equal("All items.", browser.Find("#report-item-note").Text);

        // One item: only its ledger, its rows as the API gives them, closing at 3; the link keeps it.
        Set(browser, "#report-item", "SCR-LEDGER-A");
        browser.Find("#show-report").Click();
        browser.Until(() => browser.Find("#report-item-note").Text == "Item SCR-LEDGER-A only.", "the one item's ledger");
        Assert.Equal(["SCR-LEDGER-A"], browser.All("#report section.report-section").Select(s => s.GetDomAttribute("data-item")));
        Assert.Equal(apiRows, browser.All("section[data-item='SCR-LEDGER-A'] tbody tr").Count);
        Assert.Equal("3", Cell(browser, "section[data-item='SCR-LEDGER-A']", "section[data-item='SCR-LEDGER-A'] tr[data-kind='closing']", "Balance"));
        Assert.EndsWith($"#/reports?report=stock-ledger&from={day}&to={day}&item=SCR-LEDGER-A", d.Url);

        // A link naming an item that does not exist: the server's 404 text, the item still chosen in the picker.
        d.Navigate().GoToUrl(host.BaseUrl + $"/api/console/#/reports?report=stock-ledger&from={day}&to={day}&item=NOPE-1");
        browser.Until(() => browser.Exists("#report p.error"), "the unknown item's error");
        Assert.Equal("No item 'NOPE-1'.", browser.Find("#report p.error").Text);
        browser.Until(() => browser.Find("#report-item").GetDomProperty("value") == "NOPE-1", "the unknown item kept in the picker");

        var violations = browser.CspViolations();
        Assert.True(violations.Count == 0, "CSP violations: " + string.Join("; ", violations));
    }
}
