// The column beside the chart: 호가창 and 체결 tape of one stock.
import { OrderBookPanel } from '@/features/companies/components/order-book';
import { TradeTape } from '@/features/companies/components/trade-tape';
import { useLiveQuote } from '@/lib/stream/live';
import type { Company } from '@/types/api';

export function LiveDepth({ company, live }: { company: Company; live: boolean }) {
  const quote = useLiveQuote(company.symbol, live);
  const prevClose = company.prevClose ?? null;
  return (
    <div className="space-y-4">
      <OrderBookPanel symbol={company.symbol} prevClose={prevClose} lastPrice={quote?.tick.price ?? null} live={live} />
      <TradeTape symbol={company.symbol} prevClose={prevClose} live={live} />
    </div>
  );
}
