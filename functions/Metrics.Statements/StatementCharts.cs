using ScottPlot;

namespace Metrics.Statements;

/// <summary>
/// The statement pages' charts, drawn by ScottPlot to SVG on the server, so a page needs no script and no network. Each
/// series differs in lightness and in pattern, not in hue alone, so the charts still read when printed in grey; every
/// axis is labelled with its unit.
/// </summary>
public static class StatementCharts
{
    public const int Width = 860;
    public const int Height = 340;

    /// <summary>Fills from dark to light, each with its own hatch: told apart in grey-scale print as on screen.</summary>
    private static readonly (Color Fill, Func<IHatch?> Hatch)[] s_series =
    [
        (Color.FromHex("#1f3b5c"), () => null),
        (Color.FromHex("#8da9c4"), () => new ScottPlot.Hatches.Striped()),
        (Color.FromHex("#4d4d4d"), () => new ScottPlot.Hatches.Dots()),
        (Color.FromHex("#d9d9d9"), () => new ScottPlot.Hatches.Checker()),
        (Color.FromHex("#6b8e23"), () => new ScottPlot.Hatches.Striped(ScottPlot.Hatches.StripeDirection.DiagonalDown)),
        (Color.FromHex("#b0b0b0"), () => new ScottPlot.Hatches.Grid()),
    ];

    private static readonly LinePattern[] s_lines = [LinePattern.Solid, LinePattern.Dashed, LinePattern.Dotted, LinePattern.DenselyDashed];

    /// <summary>GPU-hours per day of the month, stacked by GPU model.</summary>
    public static string DailyByModel(StatementFigures.DailyByModel data)
    {
        ArgumentNullException.ThrowIfNull(data);
        Plot plot = NewPlot("Day of the month (billing time zone)", "GPU-hours per day");
        var bars = new List<Bar>();
        for (int d = 0; d < data.Days.Count; d++)
        {
            double stacked = 0;
            for (int m = 0; m < data.Models.Count; m++)
            {
                double value = (double)data.GpuHours[d, m];
                if (value > 0)
                {
                    bars.Add(
                        Styled(
                            new Bar
                            {
                                Position = data.Days[d].Day,
                                ValueBase = stacked,
                                Value = stacked + value,
                            },
                            m
                        )
                    );
                    stacked += value;
                }
            }
        }

        plot.Add.Bars(bars);
        for (int m = 0; m < data.Models.Count; m++)
        {
            plot.Legend.ManualItems.Add(Legend(data.Models[m], m));
        }

        DayTicks(plot, data.Days.Count);
        plot.Axes.Margins(bottom: 0);
        plot.Axes.SetLimitsX(0.4, data.Days.Count + 0.6);
        return Svg(plot, "GPU-hours per day of the month, stacked by GPU model");
    }

    /// <summary>Per GPU model: GPU-hours billed, observed by telemetry, and active (utilisation-weighted).</summary>
    public static string Utilisation(IReadOnlyList<StatementFigures.ModelUse> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        Plot plot = NewPlot(string.Empty, "GPU-hours");
        string[] series = ["billed", "observed", "active"];
        var bars = new List<Bar>();
        for (int m = 0; m < models.Count; m++)
        {
            decimal[] values = [models[m].GpuHours, models[m].ObservedGpuHours, models[m].ActiveGpuHours];
            for (int s = 0; s < series.Length; s++)
            {
                bars.Add(Styled(new Bar { Position = (m * (series.Length + 1)) + s, Value = (double)values[s] }, s));
            }
        }

        plot.Add.Bars(bars);
        for (int s = 0; s < series.Length; s++)
        {
            plot.Legend.ManualItems.Add(Legend(series[s], s));
        }

        double[] ticks = models.Select((_, m) => (double)(m * (series.Length + 1)) + 1).ToArray();
        string[] labels = models
            .Select(m => m.UtilPct is { } pct ? $"{m.GpuModel} ({pct.ToString("F2", CultureInfo.InvariantCulture)} % active)" : m.GpuModel)
            .ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks, labels);
        plot.Axes.Margins(bottom: 0);
        return Svg(plot, "GPU-hours billed, observed and active per GPU model");
    }

    /// <summary>A ranking (projects or institutions) as horizontal bars of amount, the largest at the top.</summary>
    public static string Ranking(IReadOnlyList<StatementFigures.Ranked> ranked, string description)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        string currency = ranked.Count > 0 ? ranked[0].Currency : string.Empty;
        Plot plot = NewPlot($"Amount ({currency})", string.Empty);
        var bars = ranked.Select((r, i) => Styled(new Bar { Position = ranked.Count - i, Value = (double)r.Amount }, 0)).ToList();
        ScottPlot.Plottables.BarPlot plotted = plot.Add.Bars(bars);
        plotted.Horizontal = true;
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            ranked.Select((_, i) => (double)(ranked.Count - i)).ToArray(),
            ranked.Select(r => r.Name.Length == 0 ? "(no project)" : r.Name).ToArray()
        );
        plot.Axes.Margins(left: 0);
        return Svg(plot, description, height: Math.Max(160, 40 + (ranked.Count * 26)));
    }

    /// <summary>Each voucher's balance after each day of the month, had the month ended that day.</summary>
    public static string VoucherBalances(IReadOnlyList<VoucherDrawdown> vouchers)
    {
        ArgumentNullException.ThrowIfNull(vouchers);
        string currency = vouchers.Count > 0 ? vouchers[0].Voucher.Currency : string.Empty;
        Plot plot = NewPlot("Day of the month (billing time zone)", $"Balance left ({currency})");
        for (int v = 0; v < vouchers.Count; v++)
        {
            VoucherDrawdown voucher = vouchers[v];
            double[] xs = [0, .. voucher.Days.Select(d => (double)d.Day.Day)];
            double[] ys = [(double)voucher.Opening, .. voucher.Days.Select(d => (double)d.Balance)];
            var line = plot.Add.Scatter(xs, ys);
            line.Color = s_series[v % s_series.Length].Fill;
            line.LinePattern = s_lines[v % s_lines.Length];
            line.LineWidth = 2;
            line.MarkerSize = 0;
            line.LegendText = voucher.Voucher.Id;
        }

        DayTicks(plot, vouchers.Count == 0 ? 0 : vouchers[0].Days.Count);
        double top = vouchers.Count == 0 ? 1 : (double)vouchers.Max(v => v.Opening);
        plot.Axes.SetLimits(0, Math.Max(1, vouchers.Count == 0 ? 1 : vouchers[0].Days.Count), 0, Math.Max(1, top * 1.08));
        return Svg(plot, "Voucher balance over the month");
    }

    /// <summary>
    /// An allocation's burn-down over its period: what was used by the end of each day so far (solid), the amount
    /// (dashed) and the forecast from now to the period's end (dotted).
    /// </summary>
    public static string BurnDown(AllocationBurnDown burnDown, BillingCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(burnDown);
        ArgumentNullException.ThrowIfNull(calendar);
        AllocationStanding s = burnDown.Standing;
        Allocation a = s.Allocation;
        int periodDays = a.To.DayNumber - a.From.DayNumber + 1;
        Plot plot = NewPlot("Day of the period (billing time zone)", $"Used ({(a.IsGpuHours ? "GPU-hours" : a.Unit)})");
        double[] xs = [0, .. burnDown.Days.Select(d => (double)(d.Day.DayNumber - a.From.DayNumber + 1))];
        double[] ys = [0, .. burnDown.Days.Select(d => (double)d.UsedToDate)];
        Line(plot.Add.Scatter(xs, ys), 0, LinePattern.Solid, "used");
        Line(
            plot.Add.Scatter(new double[] { 0, periodDays }, new double[] { (double)a.Amount, (double)a.Amount }),
            2,
            LinePattern.Dashed,
            "allocation"
        );
        double now = Math.Clamp((s.AsOf - calendar.StartUtc(a.From)).TotalDays, 0, periodDays);
        Line(plot.Add.Scatter(new[] { now, periodDays }, new[] { (double)s.Used, (double)s.Forecast }), 1, LinePattern.Dotted, "forecast");
        int step = Math.Max(1, periodDays / 8);
        double[] ticks = Enumerable.Range(0, (periodDays / step) + 1).Select(i => (double)(i * step)).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            ticks,
            ticks.Select(t => a.From.AddDays((int)t).ToString("MM-dd", CultureInfo.InvariantCulture)).ToArray()
        );
        double top = (double)Math.Max(a.Amount, Math.Max(s.Forecast, s.Used));
        plot.Axes.SetLimits(0, periodDays, 0, Math.Max(1, top * 1.08));
        return Svg(plot, $"Allocation {a.Id}: used, the allocation and the forecast over {a.From:yyyy-MM-dd} to {a.To:yyyy-MM-dd}");
    }

    /// <summary>How many institutions averaged each band of GPU utilisation.</summary>
    public static string UtilisationBands(StatementFigures.UtilisationBands bands)
    {
        ArgumentNullException.ThrowIfNull(bands);
        Plot plot = NewPlot("Average GPU utilisation (active / observed GPU-hours)", "Institutions");
        plot.Add.Bars(bands.Counts.Select((c, b) => Styled(new Bar { Position = b, Value = c }, 0)).ToList());
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, bands.Counts.Count).Select(b => (double)b).ToArray(),
            Enumerable.Range(0, bands.Counts.Count).Select(StatementFigures.UtilisationBands.Label).ToArray()
        );
        plot.Axes.Margins(bottom: 0);
        return Svg(plot, "Institutions by average GPU utilisation");
    }

    /// <summary>Whole days on the axis (every other day's label in a long month), not fractions of one.</summary>
    private static void DayTicks(Plot plot, int days)
    {
        double[] positions = Enumerable.Range(1, days).Select(d => (double)d).ToArray();
        string[] labels = Enumerable
            .Range(1, days)
            .Select(d => d % 2 == 1 || days <= 16 ? d.ToString(CultureInfo.InvariantCulture) : string.Empty)
            .ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, labels);
    }

    private static Plot NewPlot(string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Font.Set("DejaVu Sans");
        plot.XLabel(xLabel, size: 13);
        plot.YLabel(yLabel, size: 13);
        plot.Legend.Alignment = Alignment.UpperLeft;
        return plot;
    }

    private static void Line(ScottPlot.Plottables.Scatter line, int series, LinePattern pattern, string legend)
    {
        line.Color = s_series[series % s_series.Length].Fill;
        line.LinePattern = pattern;
        line.LineWidth = 2;
        line.MarkerSize = 0;
        line.LegendText = legend;
    }

    private static Bar Styled(Bar bar, int series)
    {
        (Color fill, Func<IHatch?> hatch) = s_series[series % s_series.Length];
        bar.FillColor = fill;
        bar.FillHatch = hatch();
        bar.FillHatchColor = Colors.White.WithAlpha(0.7);
        bar.LineColor = Colors.Black;
        bar.LineWidth = 0.5f;
        return bar;
    }

    private static LegendItem Legend(string text, int series)
    {
        (Color fill, Func<IHatch?> hatch) = s_series[series % s_series.Length];
        return new LegendItem
        {
            LabelText = text,
            FillColor = fill,
            FillHatch = hatch(),
            FillHatchColor = Colors.White.WithAlpha(0.7),
            LineColor = Colors.Black,
            LineWidth = 0.5f,
        };
    }

    /// <summary>The plot as an inline SVG element: no XML prolog, a view box so it scales to the page, a text alternative.</summary>
    private static string Svg(Plot plot, string description, int width = Width, int height = Height)
    {
        string svg = plot.GetSvgXml(width, height);
        int start = svg.IndexOf("<svg", StringComparison.Ordinal);
        string label = System.Net.WebUtility.HtmlEncode(description);
        return svg[start..]
            .Replace(
                "<svg ",
                $"<svg role=\"img\" aria-label=\"{label}\" viewBox=\"0 0 {width} {height}\" class=\"chart\" ",
                StringComparison.Ordinal
            );
    }
}
