// The chart's indicator switches: one toggle button per indicator (aria-pressed), in the colour
// the chart draws it with. The selection itself lives in lib/indicators/preferences (per user).
import { INDICATORS, type IndicatorId, type IndicatorSelection } from '@/lib/indicators/catalog';

export function IndicatorToolbar({ selection, onToggle }: { selection: IndicatorSelection; onToggle: (id: IndicatorId) => void }) {
  return (
    <div role="group" aria-label="보조지표" className="flex flex-wrap items-center gap-1" data-testid="indicator-toolbar">
      <span className="mr-1 text-xs font-medium text-slate-500" aria-hidden="true">
        지표
      </span>
      {INDICATORS.map((spec) => {
        const on = selection[spec.id];
        return (
          <button
            key={spec.id}
            type="button"
            aria-pressed={on}
            aria-label={spec.label}
            title={spec.label}
            data-indicator={spec.id}
            onClick={() => onToggle(spec.id)}
            className={`inline-flex min-h-8 items-center gap-1 rounded-md border px-2 text-xs ${
              on
                ? 'border-slate-400 bg-slate-100 font-semibold text-slate-900'
                : 'border-slate-200 bg-white text-slate-500 hover:bg-slate-50'
            }`}
          >
            <span aria-hidden="true" className="h-0.5 w-3 rounded" style={{ backgroundColor: on ? spec.color : '#cbd5e1' }} />
            {spec.short}
          </button>
        );
      })}
    </div>
  );
}
