// Sign-up form with the password rules checked live as the user types.
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { Button } from '@/components/ui/button';
import { ErrorState } from '@/components/ui/states';
import { useSignup } from '@/features/auth/api/auth';
import { AuthCard, Field, inputClass } from '@/features/auth/components/auth-card';
import { checkPassword, isEmailValid, isPasswordValid } from '@/features/auth/password-rules';
import { ApiError } from '@/lib/api-client';

export function SignupForm({ next, onSuccess }: { next: string; onSuccess: (email: string) => void }) {
  const [email, setEmail] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [touched, setTouched] = useState(false);
  const signup = useSignup();
  const rules = checkPassword(password);

  const serverField =
    signup.error instanceof ApiError
      ? (signup.error.field ??
        (signup.error.code === 'ALREADY_EXISTS' ? 'email' : signup.error.code === 'INVALID_PASSWORD' ? 'password' : undefined))
      : undefined;
  const emailError =
    touched && !isEmailValid(email) ? '올바른 이메일 주소를 입력해 주세요.' : serverField === 'email' ? signup.error?.message : null;
  const usernameError =
    touched && username.trim().length < 2
      ? '사용자명은 2자 이상 입력해 주세요.'
      : serverField === 'username'
        ? signup.error?.message
        : null;
  const passwordError =
    touched && !isPasswordValid(password)
      ? '비밀번호 규칙을 모두 만족해야 합니다.'
      : serverField === 'password'
        ? signup.error?.message
        : null;
  const confirmError = touched && confirm !== password ? '비밀번호가 일치하지 않습니다.' : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!isEmailValid(email) || username.trim().length < 2 || !isPasswordValid(password) || confirm !== password) return;
    signup.mutate({ email: email.trim(), username: username.trim(), password }, { onSuccess: () => onSuccess(email.trim()) });
  };

  return (
    <AuthCard
      title="회원가입"
      footer={
        <>
          이미 계정이 있으신가요?{' '}
          <Link className="font-medium text-blue-700 underline" to={`/login${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`}>
            로그인
          </Link>
        </>
      }
    >
      <form onSubmit={submit} noValidate>
        <Field id="signup-email" label="이메일" error={emailError}>
          <input
            id="signup-email"
            name="email"
            type="email"
            autoComplete="email"
            className={inputClass}
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            aria-invalid={!!emailError}
            aria-describedby={emailError ? 'signup-email-error' : undefined}
            required
          />
        </Field>
        <Field id="signup-username" label="사용자명" error={usernameError}>
          <input
            id="signup-username"
            name="username"
            autoComplete="nickname"
            className={inputClass}
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            aria-invalid={!!usernameError}
            aria-describedby={usernameError ? 'signup-username-error' : undefined}
            required
          />
        </Field>
        <Field
          id="signup-password"
          label="비밀번호"
          error={passwordError}
          hint={
            <ul id="signup-password-rules" aria-live="polite" className="mt-2 grid grid-cols-2 gap-1 text-sm" data-testid="password-rules">
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
            id="signup-password"
            name="password"
            type="password"
            autoComplete="new-password"
            className={inputClass}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-invalid={!!passwordError}
            aria-describedby={`signup-password-rules${passwordError ? ' signup-password-error' : ''}`}
            required
          />
        </Field>
        <Field id="signup-confirm" label="비밀번호 확인" error={confirmError}>
          <input
            id="signup-confirm"
            name="confirm"
            type="password"
            autoComplete="new-password"
            className={inputClass}
            value={confirm}
            onChange={(e) => setConfirm(e.target.value)}
            aria-invalid={!!confirmError}
            aria-describedby={confirmError ? 'signup-confirm-error' : undefined}
            required
          />
        </Field>
        {signup.isError && !serverField ? <ErrorState className="mb-4" title="회원가입할 수 없습니다" error={signup.error} /> : null}
        <Button type="submit" className="w-full" disabled={signup.isPending}>
          {signup.isPending ? '가입 중…' : '회원가입'}
        </Button>
      </form>
    </AuthCard>
  );
}
