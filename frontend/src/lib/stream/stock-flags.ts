// Per-stock state from the live tick: VI 발동 (with its reference price), 거래정지, 상한가/하한가.
// KIS's trade record marks a VI by its time class (HOUR_CLS_CODE C) and carries the static-VI
// reference price; it does not say whether the VI is static or dynamic.
import { formatPrice } from '@/lib/format';
import type { Tick } from '@/lib/stream/types';

export type StockFlag = { key: 'vi' | 'halted' | 'upper' | 'lower'; label: string; title: string; tone: 'amber' | 'red' | 'blue' | 'gray' };

export function stockFlags(tick: Tick | undefined | null): StockFlag[] {
  if (!tick) return [];
  const flags: StockFlag[] = [];
  if (tick.halted) flags.push({ key: 'halted', label: '거래정지', title: '거래소가 이 종목의 매매를 정지했습니다.', tone: 'gray' });
  if (tick.session === 'C') {
    const reference = tick.viPrice ? ` · 정적 VI 기준가 ${formatPrice(tick.viPrice)}원` : '';
    flags.push({
      key: 'vi',
      label: 'VI 발동',
      title: `변동성완화장치 발동: 2분간 단일가 매매${reference}`,
      tone: 'amber',
    });
  }
  if (tick.sign === 1) flags.push({ key: 'upper', label: '상한가', title: '오늘 가격제한폭 상단(전일 대비 +30%)입니다.', tone: 'red' });
  if (tick.sign === 4) flags.push({ key: 'lower', label: '하한가', title: '오늘 가격제한폭 하단(전일 대비 −30%)입니다.', tone: 'blue' });
  return flags;
}
