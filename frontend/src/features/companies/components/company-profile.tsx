// Company profile facts (description, listing, CEO, homepage, theme).
import { Card } from '@/components/ui/card';
import { formatKstDate, formatNumber } from '@/lib/format';
import type { Company } from '@/types/api';

export function CompanyProfile({ company }: { company: Company }) {
  const rows: [string, React.ReactNode][] = [
    ['시장 구분', company.marketSegment ?? company.market],
    ['업종', company.industryName ?? '-'],
    ['테마', [company.themeSector, company.themeSubsector].filter(Boolean).join(' · ') || '-'],
    ['상장일', formatKstDate(company.listingDate)],
    ['대표이사', company.ceo ?? '-'],
    ['지역', company.region ?? '-'],
    ['상장주식수', company.sharesOutstanding ? `${formatNumber(company.sharesOutstanding)}주` : '-'],
    [
      '홈페이지',
      company.homepage ? (
        <a
          href={company.homepage.startsWith('http') ? company.homepage : `https://${company.homepage}`}
          target="_blank"
          rel="noopener noreferrer"
          className="break-all text-blue-700 underline"
        >
          {company.homepage}
        </a>
      ) : (
        '-'
      ),
    ],
  ];
  return (
    <Card title="기업 개요" headingLevel={2}>
      {company.description ? <p className="mb-3 text-sm leading-6 text-slate-800">{company.description}</p> : null}
      <dl className="grid grid-cols-[6rem_1fr] gap-x-3 gap-y-2 text-sm">
        {rows.map(([k, v]) => (
          <div key={k} className="contents">
            <dt className="text-slate-500">{k}</dt>
            <dd className="min-w-0 text-slate-900">{v}</dd>
          </div>
        ))}
      </dl>
      {company.listingAsOf ? <p className="mt-3 text-xs text-slate-500">상장 정보 기준일 {formatKstDate(company.listingAsOf)}</p> : null}
    </Card>
  );
}
