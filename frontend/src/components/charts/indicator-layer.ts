// The indicator series of one candle chart. It creates and removes them as the selection changes
// (MA and Bollinger lines on the candles, the volume MA on the volume bars, RSI and MACD each in
// a pane of their own below), feeds them from the bars, and keeps the computed values, aligned
// with the bars, for the crosshair legend. Pure drawing: the math is in lib/indicators.
import {
  HistogramSeries,
  LineSeries,
  LineStyle,
  type IChartApi,
  type ISeriesApi,
  type LineSeriesPartialOptions,
  type UTCTimestamp,
} from 'lightweight-charts';
import {
  INDICATOR_COLORS,
  LOWER_PANE_HEIGHT,
  MA_IDS,
  RSI_BANDS,
  lowerPanes,
  type IndicatorSelection,
  type LowerPane,
  type MaId,
} from '@/lib/indicators/catalog';
import { computeIndicators, type IndicatorBar, type IndicatorValues } from '@/lib/indicators/compute';
import type { Series } from '@/lib/indicators/moving-average';

type TimedBar = IndicatorBar & { time: number };
type Line = ISeriesApi<'Line'>;

const EMPTY: IndicatorValues = { ma: {}, bb: null, volMa: null, rsi: null, macd: null };

const lineOptions = (color: string, extra: LineSeriesPartialOptions = {}): LineSeriesPartialOptions => ({
  color,
  lineWidth: 1,
  priceLineVisible: false,
  lastValueVisible: false,
  crosshairMarkerVisible: false,
  ...extra,
});

function points(bars: readonly TimedBar[], values: Series) {
  const out: { time: UTCTimestamp; value: number }[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== null) out.push({ time: bars[i].time as UTCTimestamp, value: v });
  }
  return out;
}

function histogramPoints(bars: readonly TimedBar[], values: Series) {
  const out: { time: UTCTimestamp; value: number; color: string }[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== null)
      out.push({ time: bars[i].time as UTCTimestamp, value: v, color: v >= 0 ? INDICATOR_COLORS.macdUp : INDICATOR_COLORS.macdDown });
  }
  return out;
}

/** Feeds the last point of a series, or nothing while it is not yet defined. */
function updateLast(series: Line | undefined | null, bars: readonly TimedBar[], values: Series | undefined | null) {
  const i = bars.length - 1;
  const v = values?.[i];
  if (series && v !== null && v !== undefined) series.update({ time: bars[i].time as UTCTimestamp, value: v });
}

export class IndicatorLayer {
  private selection: IndicatorSelection | null = null;
  private ma: Partial<Record<MaId, Line>> = {};
  private bb: { upper: Line; middle: Line; lower: Line } | null = null;
  private volMa: Line | null = null;
  private rsi: Line | null = null;
  private macd: { line: Line; signal: Line; histogram: ISeriesApi<'Histogram'> } | null = null;
  private bars: readonly TimedBar[] = [];
  /** The values the series show, aligned with the bars. */
  values: IndicatorValues = EMPTY;

  constructor(
    private readonly chart: IChartApi,
    private readonly volumeScaleId: string,
    /** Pixel height of the price pane; each lower pane gets LOWER_PANE_HEIGHT. */
    private readonly priceHeight: number,
  ) {}

  /** Matches the series to a selection (adding or removing panes) and draws the bars' values. */
  setSelection(selection: IndicatorSelection): void {
    const before = this.selection;
    this.selection = selection;
    for (const id of MA_IDS) {
      if (selection[id] && !this.ma[id]) this.ma[id] = this.chart.addSeries(LineSeries, lineOptions(INDICATOR_COLORS[id]), 0);
      if (!selection[id] && this.ma[id]) {
        this.chart.removeSeries(this.ma[id]);
        delete this.ma[id];
      }
    }
    if (selection.bb && !this.bb) {
      this.bb = {
        upper: this.chart.addSeries(LineSeries, lineOptions(INDICATOR_COLORS.bb), 0),
        middle: this.chart.addSeries(LineSeries, lineOptions(INDICATOR_COLORS.bb, { lineStyle: LineStyle.Dashed }), 0),
        lower: this.chart.addSeries(LineSeries, lineOptions(INDICATOR_COLORS.bb), 0),
      };
    } else if (!selection.bb && this.bb) {
      for (const s of Object.values(this.bb)) this.chart.removeSeries(s);
      this.bb = null;
    }
    if (selection.volMa && !this.volMa) {
      this.volMa = this.chart.addSeries(LineSeries, lineOptions(INDICATOR_COLORS.volMa, { priceScaleId: this.volumeScaleId }), 0);
    } else if (!selection.volMa && this.volMa) {
      this.chart.removeSeries(this.volMa);
      this.volMa = null;
    }
    const panesBefore = before ? lowerPanes(before).join() : '';
    if (lowerPanes(selection).join() !== panesBefore) this.rebuildLowerPanes(selection);
    this.draw();
  }

  /** New history: recompute and redraw everything. */
  setBars(bars: readonly TimedBar[]): void {
    this.bars = bars;
    this.draw();
  }

  /** The last bar changed or was appended (a live trade): earlier values cannot change. */
  updateLastBar(bars: readonly TimedBar[]): void {
    this.bars = bars;
    if (!this.selection || bars.length === 0) return;
    this.values = computeIndicators(bars, this.selection);
    const v = this.values;
    for (const id of MA_IDS) updateLast(this.ma[id], bars, v.ma[id]);
    updateLast(this.bb?.upper, bars, v.bb?.upper);
    updateLast(this.bb?.middle, bars, v.bb?.middle);
    updateLast(this.bb?.lower, bars, v.bb?.lower);
    updateLast(this.volMa, bars, v.volMa);
    updateLast(this.rsi, bars, v.rsi);
    if (this.macd && v.macd) {
      updateLast(this.macd.line, bars, v.macd.macd);
      updateLast(this.macd.signal, bars, v.macd.signal);
      const i = bars.length - 1;
      const h = v.macd.histogram[i];
      if (h !== null) {
        this.macd.histogram.update({
          time: bars[i].time as UTCTimestamp,
          value: h,
          color: h >= 0 ? INDICATOR_COLORS.macdUp : INDICATOR_COLORS.macdDown,
        });
      }
    }
  }

  /** Tops of the RSI / MACD panes in pixels from the chart's top, for their legends. */
  lowerPaneTops(): Partial<Record<LowerPane, number>> {
    const out: Partial<Record<LowerPane, number>> = {};
    if (!this.selection) return out;
    const panes = this.chart.panes();
    const chartTop = this.chart.chartElement().getBoundingClientRect().top;
    lowerPanes(this.selection).forEach((id, i) => {
      const el = panes[i + 1]?.getHTMLElement();
      if (el) out[id] = el.getBoundingClientRect().top - chartTop;
    });
    return out;
  }

  private rebuildLowerPanes(selection: IndicatorSelection): void {
    if (this.rsi) this.chart.removeSeries(this.rsi);
    if (this.macd) for (const s of Object.values(this.macd)) this.chart.removeSeries(s);
    this.rsi = null;
    this.macd = null;
    lowerPanes(selection).forEach((id, i) => {
      const pane = i + 1;
      if (id === 'rsi') {
        this.rsi = this.chart.addSeries(
          LineSeries,
          lineOptions(INDICATOR_COLORS.rsi, {
            lastValueVisible: true,
            autoscaleInfoProvider: () => ({ priceRange: { minValue: 0, maxValue: 100 } }),
          }),
          pane,
        );
        for (const price of [RSI_BANDS.overbought, RSI_BANDS.oversold]) {
          this.rsi.createPriceLine({
            price,
            color: '#94a3b8',
            lineWidth: 1,
            lineStyle: LineStyle.Dashed,
            axisLabelVisible: true,
            title: '',
          });
        }
      } else {
        this.macd = {
          histogram: this.chart.addSeries(HistogramSeries, { priceLineVisible: false, lastValueVisible: false }, pane),
          line: this.chart.addSeries(LineSeries, lineOptions(INDICATOR_COLORS.macd, { lastValueVisible: true }), pane),
          signal: this.chart.addSeries(LineSeries, lineOptions(INDICATOR_COLORS.macdSignal), pane),
        };
      }
    });
    const panes = this.chart.panes();
    panes[0]?.setStretchFactor(this.priceHeight);
    for (let i = 1; i < panes.length; i++) panes[i].setStretchFactor(LOWER_PANE_HEIGHT);
  }

  private draw(): void {
    if (!this.selection) return;
    const bars = this.bars;
    const v = (this.values = computeIndicators(bars, this.selection));
    for (const id of MA_IDS) this.ma[id]?.setData(points(bars, v.ma[id] ?? []));
    if (this.bb && v.bb) {
      this.bb.upper.setData(points(bars, v.bb.upper));
      this.bb.middle.setData(points(bars, v.bb.middle));
      this.bb.lower.setData(points(bars, v.bb.lower));
    }
    if (this.volMa && v.volMa) this.volMa.setData(points(bars, v.volMa));
    if (this.rsi && v.rsi) this.rsi.setData(points(bars, v.rsi));
    if (this.macd && v.macd) {
      this.macd.histogram.setData(histogramPoints(bars, v.macd.histogram));
      this.macd.line.setData(points(bars, v.macd.macd));
      this.macd.signal.setData(points(bars, v.macd.signal));
    }
  }
}
