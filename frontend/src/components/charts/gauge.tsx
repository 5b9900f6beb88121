// Half-circle score gauge (0–100) for the outlook analysis.
export function ScoreGauge({ score, label = '성장 점수' }: { score: number | null | undefined; label?: string }) {
  const v = typeof score === 'number' && Number.isFinite(score) ? Math.max(0, Math.min(100, score)) : null;
  const angle = Math.PI * (1 - (v ?? 0) / 100);
  const cx = 100;
  const cy = 100;
  const r = 80;
  const x = cx + r * Math.cos(angle);
  const y = cy - r * Math.sin(angle);
  const color = v === null ? '#94a3b8' : v >= 70 ? '#d6263b' : v >= 40 ? '#f59e0b' : '#1d5fd1';
  return (
    <svg
      viewBox="0 0 200 120"
      className="h-auto w-44"
      role="img"
      aria-label={`${label} ${v === null ? '없음' : `${Math.round(v)}점 (100점 만점)`}`}
    >
      <path d={`M ${cx - r} ${cy} A ${r} ${r} 0 0 1 ${cx + r} ${cy}`} fill="none" stroke="#e2e8f0" strokeWidth="16" strokeLinecap="round" />
      {v !== null && v > 0 ? (
        <path d={`M ${cx - r} ${cy} A ${r} ${r} 0 0 1 ${x} ${y}`} fill="none" stroke={color} strokeWidth="16" strokeLinecap="round" />
      ) : null}
      <text x={cx} y={cy - 12} textAnchor="middle" fontSize="30" fontWeight="700" fill="#0f172a">
        {v === null ? '-' : Math.round(v)}
      </text>
      <text x={cx} y={cy + 14} textAnchor="middle" fontSize="12" fill="#475569">
        {label}
      </text>
    </svg>
  );
}
