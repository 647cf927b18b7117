using System.Text;
using System.Text.Encodings.Web;

namespace Metrics.Statements;

/// <summary>
/// The frame both statement pages share: one self-contained document (styles inline, charts inline SVG, no script, no
/// link to fetch), well-formed so that it parses as XML too, printable on A4 with a page break between sections.
/// Figures are formatted as finance's CSV formats them, so a page and its CSV can be compared cell by cell.
/// </summary>
internal sealed partial class HtmlPage
{
    private readonly StringBuilder _html = new();

    public HtmlPage(string title)
    {
        _html
            .Append("<!DOCTYPE html>\n<html lang=\"en\" xmlns=\"http://www.w3.org/1999/xhtml\"><head><meta charset=\"utf-8\"/>")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>")
            .Append("<title>")
            .Append(E(title))
            .Append("</title><style>")
            .Append(Css)
            .Append("</style></head><body>\n");
    }

    /// <summary>Appends text, encoded.</summary>
    public HtmlPage Text(string text)
    {
        _html.Append(E(text));
        return this;
    }

    /// <summary>Appends markup as is: only this project's own markup and ScottPlot's SVG go through here.</summary>
    public HtmlPage Raw(string markup)
    {
        _html.Append(markup);
        return this;
    }

    /// <summary>An element with encoded text and optional attributes (values encoded).</summary>
    public HtmlPage Element(string tag, string text, params (string Name, string Value)[] attributes)
    {
        _html.Append('<').Append(tag);
        foreach ((string name, string value) in attributes)
        {
            _html.Append(' ').Append(name).Append("=\"").Append(E(value)).Append('"');
        }

        _html.Append('>').Append(E(text)).Append("</").Append(tag).Append('>');
        return this;
    }

    /// <summary>A table cell holding a figure, tagged with the CSV column it equals.</summary>
    public HtmlPage Figure(string column, string value) => Element("td", value, ("class", "num"), ("data-col", column));

    public HtmlPage Cell(string column, string value) => Element("td", value, ("data-col", column));

    /// <summary>A chart with its data table folded beneath it, for the reader who wants the numbers.</summary>
    public HtmlPage Chart(string svg, string caption)
    {
        _charts++;
        _html.Append("<figure>").Append(LocalIds(svg, _charts)).Append("<figcaption>").Append(E(caption)).Append("</figcaption></figure>");
        return this;
    }

    private int _charts;

    /// <summary>
    /// ScottPlot numbers its clip paths from a process-wide counter: renumbered per chart, a page is the same bytes
    /// whichever process draws it and whatever it drew before, and two charts never share an id.
    /// </summary>
    private static string LocalIds(string svg, int chart)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        return ClipIds()
            .Replace(
                svg,
                m =>
                {
                    if (!ids.TryGetValue(m.Groups["id"].Value, out int local))
                    {
                        ids[m.Groups["id"].Value] = local = ids.Count + 1;
                    }

                    return $"{m.Groups["lead"].Value}chart{chart}-clip{local}";
                }
            );
    }

    [System.Text.RegularExpressions.GeneratedRegex("(?<lead>id=\"|url\\(#)(?<id>cl_[0-9a-zA-Z]+)")]
    private static partial System.Text.RegularExpressions.Regex ClipIds();

    public string Finish()
    {
        _html.Append("\n</body></html>\n");
        return _html.ToString();
    }

    public static string E(string text) => HtmlEncoder.Default.Encode(text);

    public static string Hours(decimal seconds) => UsageCsvWriter.Hours(seconds);

    public static string HoursFigure(decimal hours) => hours.ToString("F4", CultureInfo.InvariantCulture);

    public static string Money(decimal amount) => amount.ToString("F2", CultureInfo.InvariantCulture);

    /// <summary>The header every page opens with: what it is, whose, which month, and whether its figures are final.</summary>
    public HtmlPage Header(string heading, string? institution, UsageReport report, BillingCalendar calendar, DateTimeOffset generatedAt)
    {
        BillingMonth month = report.Month;
        _html.Append("<header><h1>").Append(E(heading)).Append("</h1><dl>");
        if (institution is not null)
        {
            Term("Institution", institution, "institution");
        }

        Term(
            "Month",
            $"{month} ({month.FirstDay:yyyy-MM-dd} to {month.LastDay:yyyy-MM-dd}, {report.TimeZoneId}; UTC "
                + $"{calendar.StartUtc(month):yyyy-MM-dd HH:mm} to {calendar.EndUtc(month):yyyy-MM-dd HH:mm})",
            "month"
        );
        if (report.Seal is { } seal)
        {
            Term("Status", "Closed: final", "status");
            Term("Statement", seal.StatementId, "statement-id");
            Term("Closed at", seal.ClosedAt.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture), "closed-at");
            Term("CSV SHA-256", seal.CsvSha256, "csv-sha256");
        }
        else
        {
            Term("Status", "Open: provisional, priced with today's rate card; the figures change until the month closes", "status");
        }

        Term("Generated", generatedAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture), "generated");
        _html.Append("</dl></header>\n");
        return this;
    }

    private void Term(string term, string value, string id) =>
        _html.Append("<dt>").Append(E(term)).Append("</dt><dd data-field=\"").Append(id).Append("\">").Append(E(value)).Append("</dd>");

    /// <summary>Totals per currency, as the CSV's amounts add up.</summary>
    public HtmlPage Totals(IReadOnlyList<StatementFigures.CurrencyTotals> totals, decimal gpuHours)
    {
        _html.Append(
            "<section id=\"totals\"><h2>Totals</h2><table "
                + "class=\"totals\"><thead><tr><th>Currency</th><th>Usage</th><th>Adjustments</th><th>Voucher "
                + "credits</th><th>Due</th></tr></thead><tbody>"
        );
        foreach (StatementFigures.CurrencyTotals t in totals)
        {
            _html.Append("<tr data-currency=\"").Append(E(t.Currency)).Append("\">");
            Cell("currency", t.Currency)
                .Figure("usage", Money(t.Usage))
                .Figure("adjustments", Money(t.Adjustments))
                .Figure("credits", Money(t.Credits))
                .Figure("due", Money(t.Due));
            _html.Append("</tr>");
        }

        _html
            .Append("</tbody></table><p>GPU-hours billed: <strong data-total=\"gpu_hours\">")
            .Append(HoursFigure(gpuHours))
            .Append("</strong></p></section>\n");
        return this;
    }

    /// <summary>Warnings, if any: unpriced lines, dead letters, figures that may move.</summary>
    public HtmlPage Warnings(IReadOnlyList<string> warnings)
    {
        if (warnings.Count == 0)
        {
            return this;
        }

        _html.Append("<section id=\"warnings\" class=\"warnings\"><h2>Warnings</h2><ul>");
        foreach (string warning in warnings)
        {
            Element("li", warning);
        }

        _html.Append("</ul></section>\n");
        return this;
    }

    /// <summary>What the daily figures are, given where they came from.</summary>
    public static string DailyNote(DailySource source) =>
        source switch
        {
            DailySource.Frozen => "Frozen with the statement at the close: the days add up to the lines above.",
            DailySource.CurrentAfterClose =>
                "This month closed before daily usage was frozen with statements: the days are today's billing tables and include usage "
                    + "that arrived after the close (billed as adjustments in later months).",
            _ => "From the billing tables now: provisional, like the lines above.",
        };

    private const string Css = """
        :root { color-scheme: light; }
        body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #111; margin: 2rem auto; max-width: 60rem;
          padding: 0 1rem; font-size: 14px; }
        h1 { font-size: 1.6rem; margin: 0 0 .5rem; }
        h2 { font-size: 1.2rem; border-bottom: 1px solid #999; padding-bottom: .2rem; margin-top: 2rem; }
        dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; } dt { font-weight: bold; }
        dd { margin: 0; word-break: break-all; }
        table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
        th, td { border: 1px solid #bbb; padding: .2rem .4rem; text-align: left; }
        th { background: #eee; } td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        tr.adjustment td { font-style: italic; } tr.credit td { background: #f4f4f4; }
        figure { margin: .5rem 0; } figcaption { font-size: .85rem; color: #444; } svg.chart { width: 100%; height: auto; display: block; }
        .warnings { border: 2px solid #555; padding: 0 1rem; }
        footer { margin-top: 2rem; font-size: .8rem; color: #444; }
        @page { size: A4; margin: 14mm; }
        @media print {
          body { margin: 0; max-width: none; font-size: 10pt; }
          section { break-before: page; } section#totals, section#warnings { break-before: auto; }
          figure, table { break-inside: avoid; }
          th { background: #ddd !important; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        }
        """;
}
