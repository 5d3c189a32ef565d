using System.Globalization;
using Azure.Data.Tables;
using Connectors.Storage;
using Connectors.Tests.Fixtures;
using Connectors.Tests.Posting;
using OpenQA.Selenium;

namespace Connectors.Tests.AdminConsole;

/// <summary>
/// The admin page's Reports, Books audit and Audit log screens in a real browser (the system Chromium, headless) against
/// the real host, on books of their own: an order posted through the host shows in last month's sales register and
/// GSTR-1, its CSV downloads with the key in the header, the books audit passes and then names a stock row changed by
/// hand (409: findings, not a page error), and an admin action tops the audit log with the key's name.
/// </summary>
[Collection(ConsoleBrowserTests.Collection)]
public sealed class ConsoleReportsBrowserTests(HostFixture host) : IClassFixture<HostFixture>
{
    static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    [Fact]
    public async Task An_accountant_reads_last_months_sales_register_and_GSTR1_and_downloads_the_CSV()
    {
        // An order dated in last month (the screen's default period, in the browser's calendar: this machine's).
        var today = DateTime.Now;
        var first = new DateOnly(today.Year, today.Month, 1).AddMonths(-1);
        var last = first.AddMonths(1).AddDays(-1);
        var (from, to) = (first.ToString("yyyy-MM-dd", Invariant), last.ToString("yyyy-MM-dd", Invariant));
        var books = new BooksClient(host);
        var shop = await books.CustomConnectionAsync();
        Assert.Equal(200, await books.OrderAsync(shop, "SCR-REPORT-1", "29", first.AddDays(14).ToString("yyyy-MM-dd", Invariant), BooksClient.Line("SCR-R", 2, 100, 18)));
        var voucher = (await books.VouchersAsync(shop.Id, "SCR-REPORT-1", 1)).Single();
        var number = voucher.GetProperty("number").GetString()!;
        Assert.Equal(236m, BooksClient.Total(voucher, "total")); // 2 × 100 + CGST 9 % 18 + SGST 9 % 18

        using var browser = Browser.Start();
        var d = browser.Driver;
        SignIn(browser, host);
        d.Navigate().GoToUrl(host.BaseUrl + "/api/console/#/reports");
        Assert.Equal(from, browser.Find("#report-from").GetDomProperty("value"));
        Assert.Equal(to, browser.Find("#report-to").GetDomProperty("value"));
        Assert.Equal("page", browser.Find("#nav a[href='#/reports']").GetDomAttribute("aria-current"));

        // To before From: refused on the page, naming the field, and nothing is asked of the server.
        Set(browser, "#report-to", first.AddDays(-1).ToString("yyyy-MM-dd", Invariant));
        browser.Find("#show-report").Click();
        browser.Until(() => browser.Find("#report-message").Text.StartsWith("To (", StringComparison.Ordinal), "the period to be refused");
        Assert.Contains($"is before From ({from})", browser.Find("#report-message").Text);
        Assert.Equal("true", browser.Find("#report-to").GetDomAttribute("aria-invalid"));
        Assert.False(browser.Exists("#report table"), "A report was shown for a reversed period.");

        // Last month's sales register: the voucher's number and total, and the period's net from the server's sums.
        browser.Find("#period-last-month").Click();
        Set(browser, "#report-name", "sales-register");
        browser.Find("#show-report").Click();
        var row = $"#report-rows tr[data-number='{number}']";
        browser.Until(() => browser.Exists(row), "the voucher in the sales register");
        Assert.Equal("", browser.Driver.FindElement(By.Id("report-message")).GetDomProperty("textContent")); // the earlier message is gone
        Assert.EndsWith($"#/reports?report=sales-register&from={from}&to={to}", d.Url);
        Assert.Equal(number, Cell(browser, "#report-rows", row, "Number"));
        Assert.Equal("₹236.00", Cell(browser, "#report-rows", row, "Total"));
        Assert.Equal("₹18.00", Cell(browser, "#report-rows", row, "CGST"));
        var api = await host.AdminJsonAsync(HttpMethod.Get, $"/api/manage/reports/sales-register?from={from}&to={to}");
        var net = CellElement(browser, "#report-rows", "#report-rows tr.grand", "Total");
        Assert.Equal(api.GetProperty("summary").GetProperty("total").GetDecimal(), decimal.Parse(net.GetDomAttribute("data-amount")!, Invariant));
        Assert.Equal("Net", browser.Find("#report-rows tr.grand th").Text);
        Assert.DoesNotContain("Test", browser.All("#report-rows thead th").Select(t => t.Text)); // no test vouchers: no Test column
        Assert.Equal(api.GetProperty("rows").GetArrayLength(), browser.All("#report-rows tbody tr:not(.grand)").Count);

        // Download CSV: the file the browser saves, named after report and period, is the API's CSV byte for byte.
        browser.Find("#download-csv").Click();
        var file = Path.Combine(browser.Downloads, $"sales-register-{from}-{to}.csv");
        browser.Until(() => File.Exists(file) && !Directory.EnumerateFiles(browser.Downloads, "*.crdownload").Any(), $"{Path.GetFileName(file)} in the downloads");
        var csv = await File.ReadAllTextAsync(file);
        Assert.StartsWith("date,number,type,reference,linkedTo,customer,buyerTaxId,placeOfSupply,country,taxable,cgst,sgst,total,isTest\r\n", csv);
        var lines = csv.Split("\r\n");
        var header = lines[0].Split(',');
        var mine = lines.Single(l => l.Contains(number, StringComparison.Ordinal)).Split(',');
        string Csv(string column) => mine[Array.IndexOf(header, column)];
        Assert.Equal(["sales", "SCR-REPORT-1", "false"], new[] { Csv("type"), Csv("reference"), Csv("isTest") });
        Assert.Equal([200m, 18m, 18m, 236m], new[] { "taxable", "cgst", "sgst", "total" }.Select(c => decimal.Parse(Csv(c), Invariant)));
        using (var direct = await host.Http.SendAsync(host.Admin(HttpMethod.Get, $"/api/manage/reports/sales-register?from={from}&to={to}&format=csv")))
            Assert.Equal(await direct.Content.ReadAsStringAsync(), csv);
        // The key went in the header: no URL the page fetched holds it.
        var fetched = ((IReadOnlyCollection<object>)d.ExecuteScript("return performance.getEntriesByType('resource').map(e => e.name)")!).Cast<string>().ToList();
        Assert.Contains(fetched, u => u.Contains("format=csv", StringComparison.Ordinal));
        Assert.DoesNotContain(fetched, u => u.Contains(HostFixture.AdminKey, StringComparison.Ordinal));

        // GSTR-1 of the same month: each table apart; the B2C sale in table 7 (place of supply 29, 18 %), its total row, table 13.
        Set(browser, "#report-name", "gstr1");
        browser.Find("#show-report").Click();
        browser.Until(() => browser.Exists("#gstr1-7"), "GSTR-1 table 7");
        Assert.Equal(7, browser.All("#report section.report-section").Count);
        Assert.Equal("Nothing in this period.", browser.Find("section[data-table='4A'] p").Text);
        var b2cs = "#gstr1-7 tbody tr:not(.grand)";
        Assert.Equal("29", Cell(browser, "#gstr1-7", b2cs, "Place of supply"));
        Assert.Equal("18 %", Cell(browser, "#gstr1-7", b2cs, "Rate"));
        Assert.Equal("₹200.00", Cell(browser, "#gstr1-7", "#gstr1-7 tr.grand", "Taxable"));
        Assert.Equal("₹18.00", Cell(browser, "#gstr1-7", "#gstr1-7 tr.grand", "SGST"));
        Assert.Equal("none", Cell(browser, "#gstr1-12", "#gstr1-12 tbody tr:not(.grand)", "HSN/SAC")); // the item has no code: shown, not hidden
        Assert.Equal("₹200.00", Cell(browser, "#gstr1-12", "#gstr1-12 tr.grand", "Taxable"));
        Assert.Equal("Total B2C", browser.Find("#gstr1-12 tr.grand th").Text);
        Assert.Equal("1", Cell(browser, "#gstr1-13", "#gstr1-13 tr.grand", "Count"));
        Assert.Equal(number, Cell(browser, "#gstr1-13", "#gstr1-13 tbody tr:not(.grand)", "First number"));
        browser.Until(() => !(browser.Driver.FindElement(By.Id("toast")).GetDomAttribute("class") ?? "").Contains("show", StringComparison.Ordinal), "the download's toast to fade");
        Thread.Sleep(400); // its .2 s fade
        browser.Shot("reports"); // docs/images/console-reports.png

        // Phone width: the tables scroll inside the card, the page is no wider than the screen.
        var size = d.Manage().Window.Size;
        d.Manage().Window.Size = new System.Drawing.Size(390, 844);
        Assert.True((bool)d.ExecuteScript("return document.documentElement.scrollWidth <= window.innerWidth")!, "GSTR-1 is wider than a phone screen.");
        d.Manage().Window.Size = size;

        // A bad period in the link: the server's 400 names the problem, shown as the page's errors are.
        d.Navigate().GoToUrl(host.BaseUrl + "/api/console/#/reports?report=sales-register&from=2026-02-30&to=2026-03-31");
        browser.Until(() => browser.Exists("#report p.error"), "the report's error");
        Assert.StartsWith("from '2026-02-30' is not a date", browser.Find("#report p.error").Text);

        var violations = browser.CspViolations();
        Assert.True(violations.Count == 0, "CSP violations: " + string.Join("; ", violations));
    }

    [Fact]
    public async Task The_books_audit_passes_and_then_shows_a_stock_row_changed_by_hand_as_a_finding()
    {
        var books = new BooksClient(host);
        await books.PutItemAsync("SCR-AUDIT", "Audit widget", 5);
        var expected = (await host.AdminJsonAsync(HttpMethod.Get, "/api/manage/audit-books")).GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()).ToList();

        using var browser = Browser.Start();
        var d = browser.Driver;
        SignIn(browser, host);
        d.Navigate().GoToUrl(host.BaseUrl + "/api/console/#/audit-books");
        Assert.Equal("page", browser.Find("#nav a[href='#/audit-books']").GetDomAttribute("aria-current"));
        Assert.Null(browser.Find("#nav a[href='#/audit']").GetDomAttribute("aria-current"));
        browser.Find("#run-books-audit").Click();
        browser.Until(() => browser.Exists("#books-audit-checks"), "the audit's checks");
        var rows = browser.All("#books-audit-checks tbody tr");
        Assert.Equal(expected, rows.Select(r => r.GetDomAttribute("data-check")));
        Assert.Equal(8, rows.Count);
        foreach (var r in rows) Assert.True(r.GetDomAttribute("data-passed") == "true", "Failed: " + r.Text);
        Assert.StartsWith("All 8 checks passed", browser.Find("#books-audit-verdict").Text);
        browser.Shot("books-audit");

        // A stock row changed by hand: the audit answers 409, and the page shows the failed check with its offender.
        var items = host.Storage.Table(TableNames.Items);
        var stock = (await items.GetEntityAsync<TableEntity>("main|%items", "item|SCR-AUDIT")).Value;
        var original = stock["Stock"];
        stock["Stock"] = "999";
        await items.UpdateEntityAsync(stock, stock.ETag, TableUpdateMode.Replace);
        try
        {
            browser.Find("#run-books-audit").Click();
            browser.Until(() => browser.Find("#books-audit-verdict").Text.StartsWith("1 of 8 checks failed", StringComparison.Ordinal), "one failed check");
            var failed = browser.Find("#books-audit-checks tr[data-passed='false']");
            Assert.Equal("every item's stock equals its opening plus its movements", failed.GetDomAttribute("data-check"));
            Assert.Contains("SCR-AUDIT: stock 999, opening 0 + movements 5 = 5", failed.FindElement(By.CssSelector("ul.offenders")).Text);
            Assert.Equal("Books audit", browser.Find("main h1").Text); // findings, not "Something went wrong"
            browser.Shot("books-audit-failed");
        }
        finally
        {
            var changed = (await items.GetEntityAsync<TableEntity>("main|%items", "item|SCR-AUDIT")).Value;
            changed["Stock"] = original;
            await items.UpdateEntityAsync(changed, changed.ETag, TableUpdateMode.Replace);
        }
        await host.AdminJsonAsync(HttpMethod.Get, "/api/manage/audit-books"); // whole again: 200

        var violations = browser.CspViolations();
        Assert.True(violations.Count == 0, "CSP violations: " + string.Join("; ", violations));
    }

    [Fact]
    public async Task The_audit_log_shows_the_newest_admin_action_first_with_the_keys_name_and_pages_older()
    {
        var shop = await host.CreateConnectionAsync("custom", "Audit shop");
        using var browser = Browser.Start();
        var d = browser.Driver;
        SignIn(browser, host);

        // An item saved from the page, then the connection renamed through the API: the two newest actions.
        d.Navigate().GoToUrl(host.BaseUrl + "/api/console/#/items");
        browser.Find("#item-sku").SendKeys("SCR-LOG");
        browser.Find("#item-name").SendKeys("Log widget");
        browser.Find("#save-item").Click();
        browser.Until(() => browser.Exists("#items tr[data-sku='SCR-LOG']"), "the item in the list");
        await host.AdminJsonAsync(HttpMethod.Put, $"/api/manage/connections/{shop.Id}", new { name = "Audit shop (renamed)" });
        var newest = await host.AdminJsonAsync(HttpMethod.Get, "/api/manage/audit?limit=2");
        var next = newest.GetProperty("next").GetString()!;
        var older = await host.AdminJsonAsync(HttpMethod.Get, "/api/manage/audit?limit=2&after=" + Uri.EscapeDataString(next));

        d.Navigate().GoToUrl(host.BaseUrl + "/api/console/#/audit?limit=2");
        browser.Until(() => browser.All("#audit-log tbody tr").Count == 2, "two audit entries");
        var rows = browser.All("#audit-log tbody tr");
        Assert.Equal(["connection.rename", "item.put"], rows.Select(r => r.GetDomAttribute("data-action") ?? ""));
        Assert.Equal(newest.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("key").GetString()), rows.Select(r => r.GetDomAttribute("data-key")));
        var top = rows[0].FindElements(By.TagName("td")).Select(c => c.Text).ToList();
        Assert.False(string.IsNullOrWhiteSpace(top[0]), "The time is empty.");
        Assert.Equal(newest.GetProperty("entries")[0].GetProperty("at").GetString(), rows[0].FindElement(By.TagName("time")).GetDomAttribute("datetime"));
        Assert.StartsWith("Audit shop (renamed)", top[2]); // the connection's name, linked, its id beneath
        Assert.Contains(shop.Id, top[2]);
        Assert.Equal(["connection.rename", "default", "renamed 'Audit shop (renamed)'"], new[] { top[1], top[3], top[4] });
        Assert.Equal(["item.put", "SCR-LOG", "default", "name 'Log widget'"], rows[1].FindElements(By.TagName("td")).Skip(1).Select(c => c.Text));
        Assert.Equal($"#/connections/{shop.Id}", rows[0].FindElement(By.CssSelector("a")).GetDomAttribute("href"));
        Assert.False(browser.Exists("#audit-newest"), "The newest page links to itself.");
        browser.Shot("audit");

        // Older: the page after, as the API pages it (after = the previous page's next); Newest comes back.
        browser.Find("#audit-older").Click();
        var olderKey = older.GetProperty("entries")[0].GetProperty("key").GetString();
        browser.Until(() => browser.All("#audit-log tbody tr").FirstOrDefault()?.GetDomAttribute("data-key") == olderKey, "the older page");
        Assert.Equal("connection.create", browser.All("#audit-log tbody tr")[0].GetDomAttribute("data-action"));
        Assert.EndsWith("#/audit?limit=2&after=" + Uri.EscapeDataString(next), d.Url);
        browser.Find("#audit-newest").Click();
        browser.Until(() => browser.All("#audit-log tbody tr").FirstOrDefault()?.GetDomAttribute("data-action") == "connection.rename", "the newest page again");

        var violations = browser.CspViolations();
        Assert.True(violations.Count == 0, "CSP violations: " + string.Join("; ", violations));
    }

    internal static void SignIn(Browser browser, HostFixture host)
    {
        browser.Driver.Navigate().GoToUrl(host.BaseUrl + "/api/console/");
        browser.Find("#admin-key").SendKeys(HostFixture.AdminKey);
        browser.Find("#sign-in").Click();
        browser.Find("#connect-store");
    }

    /// <summary>Sets an input's or select's value as a picker would (date inputs take no typing in a locale-free way).</summary>
    internal static void Set(Browser browser, string css, string value) =>
        browser.Driver.ExecuteScript("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change', { bubbles: true }))", browser.Find(css), value);

    /// <summary>The text of a row's cell under the column headed <paramref name="header"/>.</summary>
    internal static string Cell(Browser browser, string table, string row, string header) => CellElement(browser, table, row, header).Text;

    static IWebElement CellElement(Browser browser, string table, string row, string header)
    {
        var headers = browser.All(table + " thead th").Select(t => t.Text).ToList();
        var i = headers.IndexOf(header);
        Assert.True(i >= 0, $"No column '{header}' in {table}: {string.Join(", ", headers)}");
        return browser.Find(row).FindElements(By.CssSelector("th, td"))[i];
    }
}
