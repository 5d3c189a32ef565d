using Connectors.Tests.Fixtures;
using OpenQA.Selenium;
using static Connectors.Tests.AdminConsole.ConsoleReportsBrowserTests;

namespace Connectors.Tests.AdminConsole;

/// <summary>
/// The Verify setup card of a custom connection in a real browser against the real host: order.updated and
/// order.refunded are off until a test order was sent, then act on it; each answer is a green pill and a posted line in
/// Recent activity.
/// </summary>
[Collection(ConsoleBrowserTests.Collection)]
public sealed class ConsoleVerifyBrowserTests(HostFixture host) : IClassFixture<HostFixture>
{
    static bool Disabled(Browser browser, string value) =>
        (bool)browser.Driver.ExecuteScript("return document.querySelector(`#test-event-type option[value='${arguments[0]}']`).disabled", value)!;

    [Fact]
    public async Task The_verify_card_sends_created_then_updated_then_refunded_each_green_and_posted_in_recent_activity()
    {
        var shop = await host.CreateConnectionAsync("custom", "Verify shop");
        using var browser = Browser.Start();
        var d = browser.Driver;
        SignIn(browser, host);
        d.Navigate().GoToUrl(host.BaseUrl + $"/api/console/#/connections/{shop.Id}");

        // Before a test order: the follow-ups are off, and the card says why.
        browser.Find("#send-test-event");
        Assert.True(Disabled(browser, "order.updated") && Disabled(browser, "order.refunded"), "The follow-ups are enabled before a test order was sent.");
        Assert.False(Disabled(browser, "order.created"));
        Assert.Contains("send order.created first", browser.Find("#test-event-why").Text);

        browser.Find("#send-test-event").Click();
        browser.Until(() => browser.Find("#verify-detail").Text.StartsWith("order.created of test order", StringComparison.Ordinal), "order.created's answer");
        Assert.Matches(@"^200 in \d+ ms$", browser.Find("#verify-pill.pill-ok").Text);
        var order = (string)d.ExecuteScript("return sessionStorage.getItem(arguments[0])", $"connectors.testOrder.{shop.Id}")!;
        Assert.StartsWith("TEST-", order);
        Assert.Matches(@"TSV/\d\d-\d\d/\d{6}", browser.Find("#verify-detail").Text);
        Assert.False(Disabled(browser, "order.updated") || Disabled(browser, "order.refunded"), "The follow-ups stay off after a test order.");
        Assert.Contains($"act on test order {order}", browser.Find("#test-event-why").Text);

        // Updated: one more unit, a debit note; refunded: one unit back, a credit note; both of the same order.
        foreach (var (eventName, series) in new[] { ("order.updated", "TDN/"), ("order.refunded", "TCN/") })
        {
            Set(browser, "#test-event-type", eventName);
            browser.Find("#send-test-event").Click();
            browser.Until(() => browser.Find("#verify-detail").Text.StartsWith($"{eventName} of test order {order}", StringComparison.Ordinal), $"{eventName}'s answer");
            Assert.Matches(@"^200 in \d+ ms$", browser.Find("#verify-pill.pill-ok").Text);
            Assert.Contains(series, browser.Find("#verify-detail").Text);
        }

        // Recent activity: the three events of the test order, each posted with its voucher.
        // A refund's line names the order and its refund id (TEST-…/TEST-R-…): the rows whose order id starts with the test order's.
        var rows = $"#activity tr[data-external-id^='{order}'][data-status='posted']";
        browser.Until(() => browser.All(rows).Count == 3, "three posted lines of the test order in Recent activity", TimeSpan.FromSeconds(30));
        var lines = browser.All(rows).Select(r => (Event: r.FindElements(By.TagName("td"))[1].Text, Voucher: r.FindElement(By.CssSelector("a.voucher-link")).Text)).ToList();
        Assert.Equal(["order.created", "order.refunded", "order.updated"], lines.Select(l => l.Event).Order());
        Assert.Equal(["TCN/", "TDN/", "TSV/"], lines.Select(l => l.Voucher[..4]).Order());
        browser.Shot("verify-follow-ups");

        // A reload keeps the remembered order (the tab's session), so the follow-ups stay on.
        d.Navigate().Refresh();
        browser.Find("#send-test-event");
        Assert.False(Disabled(browser, "order.refunded"));

        var violations = browser.CspViolations();
        Assert.True(violations.Count == 0, "CSP violations: " + string.Join("; ", violations));
    }
}
