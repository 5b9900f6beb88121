import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { CompanyCombobox } from '@/components/company-combobox';
import type { CompanySearchItem } from '@/types/api';

const companies: CompanySearchItem[] = [
  { companyId: 1, symbol: '005930', name: '삼성전자', market: 'KOSPI', price: 75000, changePercent: 0.67 },
  { companyId: 20, symbol: '009150', name: '삼성전기', market: 'KOSPI', price: 150000, changePercent: -1.2 },
];

function setup(extra: Partial<Parameters<typeof CompanyCombobox>[0]> = {}) {
  const fetchSuggestions = vi.fn((q: string) => Promise.resolve(companies.filter((c) => c.name.includes(q) || c.symbol.startsWith(q))));
  const onSelect = vi.fn();
  const onSubmitQuery = vi.fn();
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <CompanyCombobox label="기업 검색" fetchSuggestions={fetchSuggestions} onSelect={onSelect} onSubmitQuery={onSubmitQuery} {...extra} />
    </QueryClientProvider>,
  );
  return { input: screen.getByRole('combobox', { name: '기업 검색' }), fetchSuggestions, onSelect, onSubmitQuery };
}

describe('CompanyCombobox', () => {
  it('debounces typing into one request and lists suggestions', async () => {
    const { input, fetchSuggestions } = setup();
    fireEvent.change(input, { target: { value: '삼' } });
    fireEvent.change(input, { target: { value: '삼성' } });
    const options = await screen.findAllByRole('option', {}, { timeout: 3000 });
    expect(options[0].textContent).toContain('삼성전자');
    expect(fetchSuggestions).toHaveBeenCalledTimes(1);
    expect(fetchSuggestions.mock.calls[0][0]).toBe('삼성');
    expect(screen.getAllByRole('option')).toHaveLength(2);
    expect(input.getAttribute('aria-expanded')).toBe('true');
  });

  it('moves with the arrow keys and picks with Enter', async () => {
    const { input, onSelect } = setup();
    fireEvent.change(input, { target: { value: '삼성' } });
    await screen.findAllByRole('option', {}, { timeout: 3000 });
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    expect(input.getAttribute('aria-activedescendant')).toMatch(/opt-1$/);
    expect(screen.getAllByRole('option')[1].getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(input, { key: 'ArrowUp' });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onSelect).toHaveBeenCalledWith(companies[0]);
    expect((input as HTMLInputElement).value).toBe('');
  });

  it('ignores Enter while the Korean IME is composing, submits the query otherwise', () => {
    const { input, onSubmitQuery, onSelect } = setup();
    fireEvent.change(input, { target: { value: '삼성' } });
    fireEvent.keyDown(input, { key: 'Enter', isComposing: true, keyCode: 229 });
    expect(onSubmitQuery).not.toHaveBeenCalled();
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onSubmitQuery).toHaveBeenCalledWith('삼성');
    expect(onSelect).not.toHaveBeenCalled();
  });

  it('shows recent searches when empty and closes with Escape', async () => {
    const onRemoveRecent = vi.fn();
    const { input } = setup({ recent: [companies[1]], onRemoveRecent });
    fireEvent.focus(input);
    expect(screen.getByRole('listbox', { name: '최근 검색' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: '삼성전기 최근 검색에서 삭제' }));
    expect(onRemoveRecent).toHaveBeenCalledWith(companies[1]);
    fireEvent.keyDown(input, { key: 'Escape' });
    await waitFor(() => expect(input.getAttribute('aria-expanded')).toBe('false'));
  });

  it('says so when nothing matches', async () => {
    const { input } = setup();
    fireEvent.change(input, { target: { value: '없는회사' } });
    await screen.findByText('일치하는 기업이 없습니다.', {}, { timeout: 3000 });
  });
});
