using System.Diagnostics;
using System.Drawing;
using System.Text.Json;
using Connectors.Tests.Fixtures;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Connectors.Tests.AdminConsole;

/// <summary>
/// The admin page in a real browser (the system Chromium, headless) against the real host: sign in, connect a custom
/// store, run the page's Python snippet, verify setup, see the delivery posted, map its SKU, open its voucher, rotate.
/// Screenshots go to bin/.../screenshots (two of them are in docs/images).
/// </summary>
[Collection(Collection)]
public sealed class ConsoleBrowserTests(HostFixture host) : IClassFixture<HostFixture>
{
    /// <summary>The browser tests run one after another: two Chromiums at once on a small machine miss their waits.</summary>
    public const string Collection = "Console browser";

    static readonly string Shots = Path.Combine(AppContext.BaseDirectory, "screenshots");

    [Fact]
    public async Task A_shop_owner_connects_a_custom_store_and_runs_it_from_the_page()
    {
        using var browser = Browser.Start();
        var d = browser.Driver;
        Directory.CreateDirectory(Shots);

        // Sign in: a wrong key is refused with a message, the right one opens the connections.
        d.Navigate().GoToUrl(host.BaseUrl + "/api/console");
        Assert.EndsWith("/api/console/", d.Url);
        browser.Find("#admin-key").SendKeys("not-the-key");
        browser.Find("#sign-in").Click();
        browser.Until(() => browser.Find("#sign-in-message").Text.Contains("Wrong admin key"), "the wrong key to be refused");
        browser.Shot("sign-in-refused");
        var key = browser.Find("#admin-key");
        key.Clear();
        key.SendKeys(HostFixture.AdminKey);
        browser.Find("#sign-in").Click();
        Assert.Equal(HostFixture.AdminKey, d.ExecuteScript("return sessionStorage.getItem('connectors.adminKey')"));

        // Connect store: the platform first, then its steps; URL and secret shown once.
        browser.Find("#connect-store").Click();
        browser.Find("[data-platform=custom]").Click();
        browser.Find("#field-name").SendKeys("Acme shop");
        browser.Find("#save-connection").Click();
        var url = browser.Find("#created-url").GetDomProperty("value")!;
        var secret = browser.Find("#created-secret").GetDomProperty("value")!;
        Assert.StartsWith("whsec_", secret);
        var id = url[(url.LastIndexOf('/') + 1)..];
        Assert.Equal($"{host.BaseUrl}/api/custom/{id}", url);
        browser.Shot("connected");
        browser.Find("#open-connection").Click();

        // Sample code: the Python tab, copied with its Copy button, the secret filled in, run against the host.
        browser.Find("#tab-python").Click();
        var shown = browser.Find("#snippet").Text;
        browser.Find("#copy-snippet").Click();
        var copied = browser.Clipboard();
        Assert.Equal(shown.Trim(), copied.Trim());
        Assert.Contains(url, copied);
        var (code, output) = await Run("python3", "send_order.py", copied.Replace("PASTE_SIGNING_SECRET_HERE", secret));
        Assert.True(code == 0, $"python3 exited {code}: {output}");
        Assert.StartsWith("200 ", output);
        // The Node tab's code against the same order: a 409 (already received) proves its signature is right too.
        browser.Find("#tab-node").Click();
        var (nodeCode, nodeOutput) = await Run("node", "send-order.mjs", browser.Find("#snippet").Text.Replace("PASTE_SIGNING_SECRET_HERE", secret));
        Assert.True(nodeCode == 0, $"node exited {nodeCode}: {nodeOutput}");
        Assert.StartsWith("409 ", nodeOutput);

        // Verify setup turns green.
        browser.Find("#send-test-event").Click();
        browser.Until(() => browser.Exists("#verify-pill.pill-ok"), "a green pill");
        Assert.Matches(@"^200 in \d+ ms$", browser.Find("#verify-pill").Text);

        // The delivery in activity, posted, with its voucher number.
        var row = "#activity tr[data-external-id='ORD-12345'][data-status='posted']";
        browser.Until(() => browser.Exists(row), "ORD-12345 posted in Recent activity", TimeSpan.FromSeconds(30));
        var voucherNumber = browser.Find(row + " a.voucher-link").Text;
        Assert.Matches(@"^SV/\d\d-\d\d/\d{6}$", voucherNumber);
        // The SKU card follows Recent activity: ORD-12345's WIDGET-1 shows as unmapped without a reload.
        browser.Until(() => browser.Find("#unmapped-count").Text == "(1)", "WIDGET-1 unmapped in the SKU card without a reload");
        browser.Find("#tab-python").Click();
        browser.Shot("connection");

        // Keyboard: Send test event is reachable with Tab alone.
        d.ExecuteScript("document.activeElement.blur(); window.scrollTo(0, 0)");
        var reached = false;
        for (var i = 0; i < 80 && !reached; i++)
        {
            d.SwitchTo().ActiveElement().SendKeys(Keys.Tab);
            reached = d.SwitchTo().ActiveElement().GetDomAttribute("id") == "send-test-event";
        }
        Assert.True(reached, "Send test event is not reachable with the Tab key.");

        // SKU mapping: WIDGET-1 is unmapped; an item is added, the SKU mapped inline, the count drops.
        var connectionPage = d.Url;
        d.Navigate().GoToUrl(host.BaseUrl + "/api/console/#/items");
        browser.Find("#item-sku").SendKeys("widget-blue");
        browser.Find("#item-name").SendKeys("Widget (blue)");
        browser.Find("#item-stock").SendKeys("10");
        browser.Find("#save-item").Click();
        browser.Until(() => browser.Exists("#items tr[data-sku='widget-blue']"), "the new item in the list");
        d.Navigate().GoToUrl(connectionPage);
        browser.Until(() => browser.Find("#unmapped-count").Text == "(1)", "one unmapped SKU");
        Assert.False(browser.Exists("#sku-card form.inline-form:not([hidden])") && browser.Driver.FindElement(By.CssSelector("#sku-card form.inline-form")).Displayed, "The Map any SKU form shows under the Unmapped filter.");
        var input = browser.Find("#sku-map tr[data-sku='WIDGET-1'] input");
        input.SendKeys("widget-blue");
        browser.Find("#sku-map tr[data-sku='WIDGET-1'] button").Click();
        browser.Until(() => browser.Find("#unmapped-count").Text == "(0)", "the unmapped count to drop");
        Assert.Equal(0, (await host.AdminJsonAsync(HttpMethod.Get, $"/api/manage/connections/{id}/unmapped")).GetArrayLength());

        // The voucher: its page shows the API's total, in the books' currency.
        browser.Find(row + " a.voucher-link").Click();
        var total = browser.Find("#voucher-total");
        var api = await host.AdminJsonAsync(HttpMethod.Get, "/api/manage/vouchers/" + Uri.EscapeDataString(voucherNumber));
        Assert.Equal(236m, api.GetProperty("totals").GetProperty("total").GetDecimal()); // 2 × 100 + 18 % GST
        Assert.Equal(236m, decimal.Parse(total.GetDomAttribute("data-amount")!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("₹236.00", total.Text);
        Assert.Equal(voucherNumber, browser.Find("#voucher-number").Text);
        Assert.Equal(2, browser.All("#voucher-taxes tbody tr").Count); // CGST 9 % + SGST 9 %
        browser.Shot("voucher");

        // Rotate: a new secret, shown once; the page says the old one keeps working for the grace period, and it does.
        d.Navigate().GoToUrl(connectionPage);
        browser.Find("#rotate").Click();
        browser.Find("dialog button.danger").Click();
        var rotated = browser.Find("#rotated-secret").GetDomProperty("value")!;
        Assert.StartsWith("whsec_", rotated);
        Assert.NotEqual(secret, rotated);
        Assert.Contains("keeps working for 24 hours", browser.Find("#rotated-note").Text);
        foreach (var s in new[] { secret, rotated })
        {
            var (c, o) = await Run("python3", "send_order.py", copied.Replace("PASTE_SIGNING_SECRET_HERE", s));
            Assert.True(c == 0 && o.StartsWith("409 ", StringComparison.Ordinal), $"signed with {(s == secret ? "the old" : "the new")} secret: {o}");
        }
        browser.Shot("rotated");

        // The connections list: platform, name, last delivery, failures in 24 h (none: the 409s are no failures).
        d.Navigate().GoToUrl(host.BaseUrl + "/api/console/#/connections");
        var listed = browser.Find($"#connections tr[data-connection='{id}']");
        var cells = listed.FindElements(By.TagName("td")).Select(c => c.Text).ToList();
        Assert.Equal(["Acme shop", "Custom-coded site"], cells.Take(2));
        Assert.Contains("duplicate", cells[2]); // the newest entry: the last 409
        Assert.Equal("0", cells[3]);
        browser.Shot("connections");

        // Phone width: nothing wider than the screen (tables scroll inside their cards).
        d.Manage().Window.Size = new Size(390, 844);
        d.Navigate().Refresh();
        browser.Find($"#connections tr[data-connection='{id}']");
        Assert.True((bool)d.ExecuteScript("return document.documentElement.scrollWidth <= window.innerWidth")!, "The connections list is wider than a phone screen.");
        d.Navigate().GoToUrl(connectionPage);
        browser.Until(() => browser.Exists("#activity table"), "the connection page at phone width");
        Assert.True((bool)d.ExecuteScript("return document.documentElement.scrollWidth <= window.innerWidth")!, "The connection page is wider than a phone screen.");
        browser.Shot("phone-connection");

        var violations = browser.CspViolations();
        Assert.True(violations.Count == 0, "CSP violations: " + string.Join("; ", violations));
    }

    static async Task<(int Code, string Output)> Run(string program, string fileName, string code)
    {
        var dir = Directory.CreateTempSubdirectory("connectors-snippet-");
        try
        {
            var file = Path.Combine(dir.FullName, fileName);
            await File.WriteAllTextAsync(file, code);
            var psi = new ProcessStartInfo(program, [file]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var p = Process.Start(psi) ?? throw new InvalidOperationException($"{program} did not start.");
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await p.WaitForExitAsync(cts.Token);
            return (p.ExitCode, (await stdout) + (await stderr));
        }
        finally { dir.Delete(recursive: true); }
    }
}

/// <summary>Headless Chromium from the system packages (Debian: chromium, chromium-driver), driven by Selenium.</summary>
public sealed class Browser : IDisposable
{
    public ChromeDriver Driver { get; }
    readonly DirectoryInfo _profile;

    Browser(ChromeDriver driver, DirectoryInfo profile) => (Driver, _profile) = (driver, profile);

    public static Browser Start()
    {
        var chromium = Environment.GetEnvironmentVariable("CHROMIUM") ?? "/usr/bin/chromium";
        var chromedriver = Environment.GetEnvironmentVariable("CHROMEDRIVER") ?? "/usr/bin/chromedriver";
        if (!File.Exists(chromium) || !File.Exists(chromedriver))
            Assert.Fail($"The browser tests need Chromium and its driver ({chromium}, {chromedriver}): apt-get install -y chromium chromium-driver (or set CHROMIUM and CHROMEDRIVER).");
        var profile = Directory.CreateTempSubdirectory("connectors-chromium-");
        var options = new ChromeOptions { BinaryLocation = chromium };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--lang=en-US", "--window-size=1280,900", $"--user-data-dir={profile.FullName}");
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);
        // Downloads go to the profile's folder without asking, so a test can read the file the page saved.
        var downloads = Directory.CreateDirectory(Path.Combine(profile.FullName, "downloads"));
        options.AddUserProfilePreference("download.default_directory", downloads.FullName);
        options.AddUserProfilePreference("download.prompt_for_download", false);
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(chromedriver)!, Path.GetFileName(chromedriver));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        driver.Manage().Window.Size = new Size(1280, 900);
        // Let the page's Copy button write the clipboard, and the test read it back.
        driver.ExecuteCdpCommand("Browser.grantPermissions", new Dictionary<string, object?>
        {
            ["permissions"] = new[] { "clipboardReadWrite", "clipboardSanitizedWrite" },
        });
        driver.ExecuteCdpCommand("Browser.setDownloadBehavior", new Dictionary<string, object?>
        {
            ["behavior"] = "allow",
            ["downloadPath"] = downloads.FullName,
        });
        return new Browser(driver, profile);
    }

    /// <summary>Where the browser saves what the page downloads (a folder of the profile, deleted with it).</summary>
    public string Downloads => Path.Combine(_profile.FullName, "downloads");

    public IWebElement Find(string css, TimeSpan? timeout = null)
    {
        IWebElement? found = null;
        Until(() => (found = Driver.FindElements(By.CssSelector(css)).FirstOrDefault(e => e.Displayed)) is not null, css, timeout);
        return found!;
    }

    public IReadOnlyList<IWebElement> All(string css) => Driver.FindElements(By.CssSelector(css));

    public bool Exists(string css) => Driver.FindElements(By.CssSelector(css)).Count > 0;

    public void Until(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            try { if (condition()) return; }
            catch (StaleElementReferenceException) { }
            catch (NoSuchElementException) { }
            if (DateTime.UtcNow > deadline)
            {
                Shot("failed");
                var error = Driver.FindElements(By.CssSelector(".error, [role=alert]")).Select(e => e.Text).Where(t => t.Length > 0);
                Assert.Fail($"Timed out waiting for {what} on {Driver.Url}. Errors shown: {string.Join(" | ", error)}");
            }
            Thread.Sleep(100);
        }
    }

    /// <summary>What the page put on the clipboard.</summary>
    public string Clipboard() => (string?)((IJavaScriptExecutor)Driver).ExecuteAsyncScript(
        "const done = arguments[arguments.length - 1]; navigator.clipboard.readText().then(done, e => done('clipboard refused: ' + e))") ?? "";

    /// <summary>A screenshot of the whole page (the window grows to the page's height for it, up to 4000 px).</summary>
    public void Shot(string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        var size = Driver.Manage().Window.Size;
        var height = Convert.ToInt32(Driver.ExecuteScript("return document.documentElement.scrollHeight"));
        Driver.Manage().Window.Size = new Size(size.Width, Math.Clamp(height + 100, size.Height, 4000));
        Driver.ExecuteScript("window.scrollTo(0, 0)");
        Driver.GetScreenshot().SaveAsFile(Path.Combine(folder, name + ".png"));
        Driver.Manage().Window.Size = size;
    }

    public List<string> CspViolations() =>
        Driver.Manage().Logs.GetLog(LogType.Browser).Select(l => l.Message).Where(m => m.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)).ToList();

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
        try { _profile.Delete(recursive: true); } catch (IOException) { }
    }
}
