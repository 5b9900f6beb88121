import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { IndicatorToolbar } from '@/components/charts/indicator-toolbar';
import { DEFAULT_SELECTION, INDICATORS } from '@/lib/indicators/catalog';

describe('IndicatorToolbar', () => {
  it('shows every indicator with its Korean name and state, and reports a toggle', () => {
    const onToggle = vi.fn();
    render(<IndicatorToolbar selection={{ ...DEFAULT_SELECTION, rsi: true }} onToggle={onToggle} />);
    expect(screen.getByRole('group', { name: '보조지표' })).toBeTruthy();
    expect(screen.getAllByRole('button')).toHaveLength(INDICATORS.length);
    expect(screen.getByRole('button', { name: '이동평균 5' }).getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByRole('button', { name: '이동평균 120' }).getAttribute('aria-pressed')).toBe('false');
    expect(screen.getByRole('button', { name: 'RSI (14)' }).getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByRole('button', { name: '볼린저 밴드 (20, 2σ)' }).getAttribute('aria-pressed')).toBe('false');
    fireEvent.click(screen.getByRole('button', { name: 'MACD (12, 26, 9)' }));
    expect(onToggle).toHaveBeenCalledWith('macd');
  });
});
