// Outlook analysis (company or industry): score gauge, outlook, drivers, risks, model and date,
// with a clear label when it is rule-based rather than written by the AI model.
import { ScoreGauge } from '@/components/charts/gauge';
import { Badge } from '@/components/ui/badge';
import { formatKstDate, formatKstDateTime } from '@/lib/format';
import type { Analysis } from '@/types/api';

export function OutlookCard({ analysis }: { analysis: Analysis }) {
  const rule = analysis.mode === 'rule';
  return (
    <div className="space-y-4" data-testid="outlook">
      <div className="flex flex-col items-center gap-4 sm:flex-row sm:items-start">
        <ScoreGauge score={analysis.growthScore} />
        <div className="min-w-0 flex-1 space-y-2">
          <div className="flex flex-wrap items-center gap-2">
            {analysis.outlook ? <span className="text-lg font-semibold">{analysis.outlook}</span> : null}
            {rule ? (
              <Badge tone="amber" title="AI 모델이 아닌 재무 지표 기반 규칙으로 계산한 결과입니다.">
                규칙 기반 분석 (AI 아님)
              </Badge>
            ) : (
              <Badge tone="violet">AI 분석</Badge>
            )}
          </div>
          {analysis.summary ? <p className="text-sm leading-6 text-slate-800">{analysis.summary}</p> : null}
          <p className="text-xs text-slate-500">
            {analysis.model ? `모델 ${analysis.model} · ` : ''}
            {analysis.generatedAt ? `생성 ${formatKstDateTime(analysis.generatedAt)}` : ''}
            {analysis.asOfDate ? ` · 데이터 기준 ${formatKstDate(analysis.asOfDate)}` : ''}
          </p>
        </div>
      </div>
      <div className="grid grid-cols-1 gap-4 [&>*]:min-w-0 sm:grid-cols-2">
        <div>
          <h4 className="mb-1 text-sm font-semibold text-red-800">성장 동력</h4>
          {analysis.drivers?.length ? (
            <ul className="list-disc space-y-1 pl-5 text-sm">
              {analysis.drivers.map((d) => (
                <li key={d}>{d}</li>
              ))}
            </ul>
          ) : (
            <p className="text-sm text-slate-500">제시된 항목이 없습니다.</p>
          )}
        </div>
        <div>
          <h4 className="mb-1 text-sm font-semibold text-blue-800">리스크</h4>
          {analysis.risks?.length ? (
            <ul className="list-disc space-y-1 pl-5 text-sm">
              {analysis.risks.map((d) => (
                <li key={d}>{d}</li>
              ))}
            </ul>
          ) : (
            <p className="text-sm text-slate-500">제시된 항목이 없습니다.</p>
          )}
        </div>
      </div>
      <p className="text-xs text-slate-500">전망 분석은 참고용이며 투자 권유가 아닙니다.</p>
    </div>
  );
}
