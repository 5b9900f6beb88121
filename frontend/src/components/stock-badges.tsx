// The badges of `stockFlags` (VI 발동, 거래정지, 상한가/하한가) next to a live price.
import { Badge } from '@/components/ui/badge';
import { stockFlags } from '@/lib/stream/stock-flags';
import type { Tick } from '@/lib/stream/types';

export function StockBadges({ tick }: { tick: Tick | undefined | null }) {
  const flags = stockFlags(tick);
  if (flags.length === 0) return null;
  return (
    <span className="inline-flex flex-wrap gap-1" data-testid="stock-badges">
      {flags.map((f) => (
        <Badge key={f.key} tone={f.tone} title={f.title}>
          <span data-flag={f.key}>{f.label}</span>
        </Badge>
      ))}
    </span>
  );
}
