// 비밀번호 변경: current password, new password with the sign-up rules, confirmation. Other devices
// are signed out by the server; this browser keeps going with the new tokens it gets back.
import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { ErrorState } from '@/components/ui/states';
import { useChangePassword } from '@/features/auth/api/account';
import { Field, inputClass } from '@/features/auth/components/auth-card';
import { checkPassword, isPasswordValid } from '@/features/auth/password-rules';
import { ApiError } from '@/lib/api-client';

export function PasswordChangeForm() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [touched, setTouched] = useState(false);
  const [done, setDone] = useState(false);
  const change = useChangePassword();
  const rules = checkPassword(next);

  const serverField = change.error instanceof ApiError ? change.error.field : undefined;
  const currentError =
    touched && !current
      ? '현재 비밀번호를 입력해 주세요.'
      : serverField === 'currentPassword'
        ? '현재 비밀번호가 올바르지 않습니다.'
        : null;
  const nextError =
    touched && !isPasswordValid(next)
      ? '새 비밀번호가 규칙을 모두 만족해야 합니다.'
      : touched && next === current
        ? '새 비밀번호는 현재 비밀번호와 달라야 합니다.'
        : serverField === 'newPassword'
          ? (change.error?.message ?? null)
          : null;
  const confirmError = touched && confirm !== next ? '새 비밀번호가 서로 다릅니다.' : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    setDone(false);
    if (!current || !isPasswordValid(next) || next === current || confirm !== next) return;
    change.mutate(
      { currentPassword: current, newPassword: next },
      {
        onSuccess: () => {
          setDone(true);
          setTouched(false);
          setCurrent('');
          setNext('');
          setConfirm('');
        },
      },
    );
  };

  const fieldError = serverField === 'currentPassword' || serverField === 'newPassword';
  return (
    <form onSubmit={submit} noValidate data-testid="password-change-form">
      <Field id="account-current-password" label="현재 비밀번호" error={currentError}>
        <input
          id="account-current-password"
          type="password"
          autoComplete="current-password"
          className={inputClass}
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
          aria-invalid={!!currentError}
        />
      </Field>
      <Field
        id="account-new-password"
        label="새 비밀번호"
        error={nextError}
        hint={
          <ul aria-live="polite" className="mt-2 grid grid-cols-2 gap-1 text-sm" data-testid="new-password-rules">
            {rules.map((r) => (
              <li key={r.id} data-ok={r.ok} className={r.ok ? 'text-emerald-700' : 'text-slate-600'}>
                <span aria-hidden="true">{r.ok ? '✓' : '○'}</span> {r.label}
                <span className="sr-only">{r.ok ? ' 충족' : ' 미충족'}</span>
              </li>
            ))}
          </ul>
        }
      >
        <input
          id="account-new-password"
          type="password"
          autoComplete="new-password"
          className={inputClass}
          value={next}
          onChange={(e) => setNext(e.target.value)}
          aria-invalid={!!nextError}
        />
      </Field>
      <Field id="account-confirm-password" label="새 비밀번호 확인" error={confirmError}>
        <input
          id="account-confirm-password"
          type="password"
          autoComplete="new-password"
          className={inputClass}
          value={confirm}
          onChange={(e) => setConfirm(e.target.value)}
          aria-invalid={!!confirmError}
        />
      </Field>
      {change.isError && !fieldError ? <ErrorState className="mb-4" title="비밀번호를 바꾸지 못했습니다" error={change.error} /> : null}
      {done ? (
        <p role="status" className="mb-4 rounded-lg bg-emerald-50 p-3 text-sm text-emerald-900" data-testid="password-changed">
          비밀번호를 변경했습니다. 다른 기기와 브라우저에서는 로그아웃되었으니 새 비밀번호로 다시 로그인해 주세요.
        </p>
      ) : null}
      <Button type="submit" disabled={change.isPending}>
        {change.isPending ? '변경 중…' : '비밀번호 변경'}
      </Button>
    </form>
  );
}
