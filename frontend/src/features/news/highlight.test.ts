import { describe, expect, it } from 'vitest';
import { decodeEntities, parseHighlight } from '@/features/news/highlight';

describe('parseHighlight', () => {
  it('splits marked words from the rest', () => {
    expect(parseHighlight('삼성전자, <em>반도체</em> <em>가격</em> 반등')).toEqual([
      { text: '삼성전자, ', match: false },
      { text: '반도체', match: true },
      { text: ' ', match: false },
      { text: '가격', match: true },
      { text: ' 반등', match: false },
    ]);
  });

  it('decodes the escapes of the api (OpenSearch html encoder and the PostgreSQL fallback)', () => {
    const html = '&lt;script&gt;alert(1)&lt;&#x2F;script&gt; &quot;<em>실적</em>&quot; &amp; O&#x27;Neil';
    const segments = parseHighlight(html);
    expect(segments.map((s) => s.text).join('')).toBe(`<script>alert(1)</script> "실적" & O'Neil`);
    expect(segments.filter((s) => s.match).map((s) => s.text)).toEqual(['실적']);
  });

  it('keeps any other markup as literal text', () => {
    expect(parseHighlight('<b>굵게</b> <em>x</em>')).toEqual([
      { text: '<b>굵게</b> ', match: false },
      { text: 'x', match: true },
    ]);
  });

  it('leaves unknown or broken entities alone', () => {
    expect(decodeEntities('&nbsp; &#xZZ; &#0; &#65;')).toBe('&nbsp; &#xZZ; &#0; A');
  });
});
