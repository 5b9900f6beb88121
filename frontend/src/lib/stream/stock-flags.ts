// Per-stock state from the live tick: VI 발동 (with its reference price), 거래정지, 상한가/하한가.
// KIS's trade record marks a VI by its time class (HOUR_CLS_CODE C) and carries the static-VI
// reference price; it does not say which VI fired, so the kind follows KRX's rule: a static VI fires
// when the price is 10 % or more away from that reference, a dynamic one on a smaller jump (3 % for
// KOSPI 200 stocks, 6 % for others) from the trade just before.
import { formatPrice } from '@/lib/format';
import type { Tick } from '@/lib/stream/types';

export type StockFlag = { key: 'vi' | 'halted' | 'upper' | 'lower'; label: string; title: string; tone: 'amber' | 'red' | 'blue' | 'gray' };

export function stockFlags(tick: Tick | undefined | null): StockFlag[] {
  if (!tick) return [];
  const flags: StockFlag[] = [];
  if (tick.halted) flags.push({ key: 'halted', label: '거래정지', title: '거래소가 이 종목의 매매를 정지했습니다.', tone: 'gray' });
  if (tick.session === 'C') flags.push(viFlag(tick));
  if (tick.sign === 1) flags.push({ key: 'upper', label: '상한가', title: '오늘 가격제한폭 상단(전일 대비 +30%)입니다.', tone: 'red' });
  if (tick.sign === 4) flags.push({ key: 'lower', label: '하한가', title: '오늘 가격제한폭 하단(전일 대비 −30%)입니다.', tone: 'blue' });
  return flags;
}

/** KRX's static-VI threshold: 10 % from the static reference price (common stocks, both markets). */
export const STATIC_VI_RATIO = 0.1;

function viFlag(tick: Tick): StockFlag {
  const reference = tick.viPrice;
  if (reference && Math.abs(tick.price - reference) >= reference * STATIC_VI_RATIO) {
    return {
      key: 'vi',
      label: '정적 VI',
      title: `변동성완화장치(정적) 발동: 기준가 ${formatPrice(reference)}원에서 10% 이상 움직여 2분간 단일가 매매`,
      tone: 'amber',
    };
  }
  return {
    key: 'vi',
    label: '동적 VI',
    title: '변동성완화장치(동적) 발동: 직전 체결가에서 급변해 2분간 단일가 매매',
    tone: 'amber',
  };
}
