using PuppeteerSharp;
using PuppeteerSharp.Media;
using SkiaSharp;

namespace Metrics.Integration.Tests;

/// <summary>
/// The statement pages the CLI writes, opened in a real Chromium (Debian's, which tools/test.sh installs when absent;
/// <c>METRICS_CHROMIUM</c> overrides the path): the charts render with a size and are not blank, the totals shown are
/// the CSV's, the page asks the network for nothing, and it prints to A4 PDF across several pages.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class StatementsInBrowserTests : IDisposable
{
    private readonly StatementScenario _s = new();

    public void Dispose() => _s.Dispose();

    private static string Chromium =>
        Environment.GetEnvironmentVariable("METRICS_CHROMIUM") is { Length: > 0 } path ? path
        : File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium"
        : throw new InvalidOperationException(
            "Chromium is not installed: tools/test.sh installs Debian's (apt-get install chromium), or set METRICS_CHROMIUM to a Chrome "
                + "or Chromium executable."
        );

    [Fact]
    public async Task BothPages_OpenAndClosed_RenderTheirCharts_ShowTheCsvTotals_FetchNothing_AndPrint()
    {
        await _s.SeedAsync();
        await using IBrowser browser = await Puppeteer.LaunchAsync(
            new LaunchOptions
            {
                ExecutablePath = Chromium,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
            }
        );

        await AssertPagesAsync(browser, "Open: provisional");

        // Closed: the pages are drawn from the frozen statement and its frozen days, and say so.
        _s.Time.SetUtcNow(new DateTimeOffset(_s.Month.Next().Year, _s.Month.Next().Month, 5, 0, 0, 0, TimeSpan.Zero));
        await _s.Azurite.RunOkAsync(_s.Time, "close", "--month", _s.Month.ToString());
        await AssertPagesAsync(browser, "Closed: final");
    }

    /// <summary>The month's two pages as the CLI writes them, in the browser, against the CSV of the same moment.</summary>
    private async Task AssertPagesAsync(IBrowser browser, string status)
    {
        string statement = await _s.StatementAsync(_s.Month, _s.Institution);
        string overview = await _s.StatementAsync(_s.Month, institution: null);
        List<Dictionary<string, string>> csv = CsvRows.Parse(await _s.CsvAsync(_s.Month, _s.Institution));

        // The institution's statement: daily, utilisation, projects, voucher and allocation burn-down charts.
        (IPage page, List<string> requests) = await OpenAsync(browser, statement);
        Assert.StartsWith(status, await TextAsync(page, "dd[data-field=status]"), StringComparison.Ordinal);
        bool open = status.StartsWith("Open", StringComparison.Ordinal);
        await AssertChartsAsync(page, expected: open ? 5 : 4);
        if (open)
        {
            // The allocation's burn-down (open months only: a closed month's page is final): 5 of its 8 GPU-hours used.
            Assert.Contains(
                _s.Allocation,
                await page.EvaluateExpressionAsync<string>("document.querySelector('#allocations svg.chart').getAttribute('aria-label')"),
                StringComparison.Ordinal
            );
            Assert.Equal("5.0000", await TextAsync(page, "tr[data-allocation] td[data-col=used]"));
            Assert.Equal("62.5", await TextAsync(page, "tr[data-allocation] td[data-col=used_pct]"));
        }

        Assert.Equal(
            CsvRows.Sum(csv, "amount").ToString("F2", CultureInfo.InvariantCulture),
            await TextAsync(page, "tr[data-currency=CNY] td[data-col=due]")
        );
        string[] amounts = await page.EvaluateExpressionAsync<string[]>(
            "Array.from(document.querySelectorAll('tr[data-line-type] td[data-col=amount]')).map(td => td.textContent)"
        );
        Assert.Equal(csv.Select(r => r["amount"]), amounts);
        await AssertPrintsAsync(page);
        Assert.Empty(requests);

        // The centre's overview: daily, top institutions, utilisation bands and per-model utilisation.
        (IPage centre, List<string> centreRequests) = await OpenAsync(browser, overview);
        Assert.StartsWith(status, await TextAsync(centre, "dd[data-field=status]"), StringComparison.Ordinal);
        await AssertChartsAsync(centre, expected: 4);
        Assert.Equal("130.48", await TextAsync(centre, "tr[data-currency=CNY] td[data-col=usage]"));
        await AssertPrintsAsync(centre);
        Assert.Empty(centreRequests);
        await page.CloseAsync();
        await centre.CloseAsync();
    }

    private static Task<string> TextAsync(IPage page, string selector) =>
        page.EvaluateExpressionAsync<string>($"document.querySelector('{selector}').textContent");

    /// <summary>Loads the page with every request the page makes recorded (and refused); its own HTML is not a request.</summary>
    private static async Task<(IPage Page, List<string> Requests)> OpenAsync(IBrowser browser, string html)
    {
        IPage page = await browser.NewPageAsync();
        await page.SetViewportAsync(new ViewPortOptions { Width = 1100, Height = 1400 });
        var requests = new List<string>();
        await page.SetRequestInterceptionAsync(true);
        page.Request += async (_, e) =>
        {
            if (e.Request.Url.StartsWith("data:", StringComparison.Ordinal) || e.Request.Url == "about:blank")
            {
                await e.Request.ContinueAsync();
                return;
            }

            lock (requests)
            {
                requests.Add(e.Request.Url);
            }

            await e.Request.AbortAsync();
        };
        await page.SetContentAsync(html, new SetContentOptions { WaitUntil = [WaitUntilNavigation.Load] });
        return (page, requests);
    }

    /// <summary>
    /// Each chart is an SVG with a size on the page, and its screenshot is not blank (many non-white pixels, several shades).
    /// </summary>
    private static async Task AssertChartsAsync(IPage page, int expected)
    {
        IElementHandle[] charts = await page.QuerySelectorAllAsync("svg.chart");
        Assert.Equal(expected, charts.Length);
        foreach (IElementHandle chart in charts)
        {
            BoundingBox box = await chart.BoundingBoxAsync();
            Assert.True(box.Width > 300 && box.Height > 100, $"a chart is {box.Width} x {box.Height}");
            byte[] png = await chart.ScreenshotDataAsync();
            using SKBitmap bitmap = SKBitmap.Decode(png);
            int ink = 0;
            var shades = new HashSet<SKColor>();
            for (int y = 0; y < bitmap.Height; y += 2)
            {
                for (int x = 0; x < bitmap.Width; x += 2)
                {
                    SKColor c = bitmap.GetPixel(x, y);
                    shades.Add(c);
                    ink += c.Red + c.Green + c.Blue < 600 ? 1 : 0;
                }
            }

            Assert.True(
                ink > bitmap.Width * bitmap.Height / 4 / 100,
                $"a chart is blank: {ink} inked pixels of {bitmap.Width} x {bitmap.Height}"
            );
            Assert.True(shades.Count > 8, $"a chart has {shades.Count} shades");
        }
    }

    /// <summary>A4 PDF, more than one page (sections break onto their own pages).</summary>
    private static async Task AssertPrintsAsync(IPage page)
    {
        byte[] pdf = await page.PdfDataAsync(new PdfOptions { Format = PaperFormat.A4, PrintBackground = true });
        Assert.Equal("%PDF", Encoding.ASCII.GetString(pdf, 0, 4));
        int pages = System.Text.RegularExpressions.Regex.Count(Encoding.Latin1.GetString(pdf), @"/Type\s*/Page[^s]");
        Assert.True(pages >= 3, $"the PDF has {pages} page(s)");
    }
}
