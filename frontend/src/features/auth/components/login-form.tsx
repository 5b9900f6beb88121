// Log-in form; on success returns to where the user came from (?next=).
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { Button } from '@/components/ui/button';
import { ErrorState } from '@/components/ui/states';
import { useLogin } from '@/features/auth/api/auth';
import { AuthCard, Field, inputClass } from '@/features/auth/components/auth-card';
import { isEmailValid } from '@/features/auth/password-rules';
import { ApiError } from '@/lib/api-client';

export function LoginForm({
  initialEmail = '',
  notice,
  next,
  onSuccess,
}: {
  initialEmail?: string;
  notice?: string | null;
  next: string;
  onSuccess: () => void;
}) {
  const [email, setEmail] = useState(initialEmail);
  const [password, setPassword] = useState('');
  const [touched, setTouched] = useState(false);
  const login = useLogin();

  const emailError = touched && !isEmailValid(email) ? '올바른 이메일 주소를 입력해 주세요.' : null;
  const passwordError = touched && password.length === 0 ? '비밀번호를 입력해 주세요.' : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!isEmailValid(email) || !password) return;
    login.mutate({ email: email.trim(), password }, { onSuccess });
  };

  const wrongCredentials = login.error instanceof ApiError && login.error.status === 401;

  return (
    <AuthCard
      title="로그인"
      footer={
        <>
          계정이 없으신가요?{' '}
          <Link className="font-medium text-blue-700 underline" to={`/signup${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`}>
            회원가입
          </Link>
        </>
      }
    >
      {notice ? (
        <p role="status" className="mb-4 rounded-lg bg-emerald-50 p-3 text-sm text-emerald-900">
          {notice}
        </p>
      ) : null}
      <form onSubmit={submit} noValidate>
        <Field id="login-email" label="이메일" error={emailError}>
          <input
            id="login-email"
            name="email"
            type="email"
            autoComplete="email"
            className={inputClass}
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            aria-invalid={!!emailError}
            aria-describedby={emailError ? 'login-email-error' : undefined}
            required
          />
        </Field>
        <Field id="login-password" label="비밀번호" error={passwordError}>
          <input
            id="login-password"
            name="password"
            type="password"
            autoComplete="current-password"
            className={inputClass}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-invalid={!!passwordError}
            aria-describedby={passwordError ? 'login-password-error' : undefined}
            required
          />
        </Field>
        {login.isError ? (
          <ErrorState className="mb-4" title={wrongCredentials ? '로그인 실패' : '로그인할 수 없습니다'} error={login.error} />
        ) : null}
        <Button type="submit" className="w-full" disabled={login.isPending}>
          {login.isPending ? '로그인 중…' : '로그인'}
        </Button>
      </form>
    </AuthCard>
  );
}
