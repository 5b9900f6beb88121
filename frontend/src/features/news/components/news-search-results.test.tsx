import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { NewsSearchResults } from '@/features/news/components/news-search-results';
import type { NewsSearchItem } from '@/types/api';

const item: NewsSearchItem = {
  newsId: 7,
  title: '<script>alert(1)</script> 반도체 주의보',
  summary: 'a/b',
  url: 'https://example.com/7',
  source: 'example.com',
  publishedAt: null,
  companies: [{ companyId: 1, name: '삼성전자', symbol: '005930' }],
  highlight: {
    title: '&lt;script&gt;alert(1)&lt;&#x2F;script&gt; 반도체 <em>주의보</em>',
    summary: 'a&#x2F;b <img src=x onerror=alert(1)>',
  },
};

describe('NewsSearchResults', () => {
  it('marks the matches and renders everything else as text, never as markup', () => {
    const { container } = render(
      <MemoryRouter>
        <NewsSearchResults items={[item]} />
      </MemoryRouter>,
    );
    const marks = [...container.querySelectorAll('mark')].map((m) => m.textContent);
    expect(marks).toEqual(['주의보']);
    expect(container.querySelector('script')).toBeNull();
    expect(container.querySelector('img')).toBeNull();
    expect(screen.getByText('<script>alert(1)</script> 반도체', { exact: false })).toBeTruthy();
    expect(container.textContent).toContain('a/b <img src=x onerror=alert(1)>');
    expect(screen.getByRole('link', { name: '삼성전자' }).getAttribute('href')).toBe('/companies/1');
    expect(screen.getByText('발행 시각 미상')).toBeTruthy();
  });
});
