import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import { MarketAsOf } from '@/components/ui/source-note';

describe('MarketAsOf', () => {
  it('names the one source and day of a list and the companies it leaves out', () => {
    render(<MarketAsOf asOf="2026-08-21" source="krx" excluded={1414} />);
    expect(screen.getByTestId('market-as-of').textContent).toBe('KRX 스냅샷 2026-08-21 종가 기준 · 이날 가격이 없는 1,414개 기업 제외');
  });

  it('says nothing about exclusions when every company is priced, and nothing at all without a day', () => {
    const { container, rerender } = render(<MarketAsOf asOf="2026-08-24" source="kis" excluded={0} />);
    expect(screen.getByTestId('market-as-of').textContent).toBe('한국투자증권 2026-08-24 종가 기준');
    rerender(<MarketAsOf asOf={null} source={null} excluded={null} />);
    expect(container.textContent).toBe('');
  });
});
