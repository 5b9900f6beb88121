// A series primitive drawing a dashed vertical line where each new KST trading day starts
// on intraday charts (the library has no built-in session separators).
import type {
  ISeriesPrimitive,
  IPrimitivePaneRenderer,
  IPrimitivePaneView,
  SeriesAttachedParameter,
  Time,
  IChartApiBase,
} from 'lightweight-charts';

type DrawTarget = Parameters<IPrimitivePaneRenderer['draw']>[0];

export class DaySeparators implements ISeriesPrimitive<Time> {
  private chart: IChartApiBase<Time> | null = null;
  private requestUpdate: (() => void) | null = null;
  private times: number[] = [];
  private readonly views: IPrimitivePaneView[];

  constructor(private readonly color = 'rgba(100, 116, 139, 0.45)') {
    const renderer: IPrimitivePaneRenderer = {
      draw: () => {},
      drawBackground: (target: DrawTarget) => this.draw(target),
    };
    this.views = [{ renderer: () => renderer, zOrder: () => 'bottom' }];
  }

  attached(param: SeriesAttachedParameter<Time>) {
    this.chart = param.chart;
    this.requestUpdate = param.requestUpdate;
  }

  detached() {
    this.chart = null;
    this.requestUpdate = null;
  }

  paneViews() {
    return this.views;
  }

  setTimes(times: number[]) {
    this.times = times;
    this.requestUpdate?.();
  }

  private draw(target: DrawTarget) {
    const chart = this.chart;
    if (!chart || this.times.length === 0) return;
    const half = chart.timeScale().options().barSpacing / 2;
    const xs = this.times
      .map((t) => chart.timeScale().timeToCoordinate(t as Time))
      .filter((x): x is NonNullable<typeof x> => x !== null)
      .map((x) => x - half);
    target.useBitmapCoordinateSpace(({ context: ctx, bitmapSize, horizontalPixelRatio, verticalPixelRatio }) => {
      ctx.save();
      ctx.strokeStyle = this.color;
      ctx.lineWidth = Math.max(1, Math.floor(horizontalPixelRatio));
      ctx.setLineDash([4 * verticalPixelRatio, 4 * verticalPixelRatio]);
      for (const x of xs) {
        // Half a bar left of the day's first bar, so the line sits between the two days.
        const px = Math.round(x * horizontalPixelRatio) + 0.5;
        ctx.beginPath();
        ctx.moveTo(px, 0);
        ctx.lineTo(px, bitmapSize.height);
        ctx.stroke();
      }
      ctx.restore();
    });
  }
}
