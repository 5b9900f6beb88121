import { useNavigate, useSearchParams } from 'react-router';
import { LoginForm } from '@/features/auth/components/login-form';
import { useDocumentTitle } from '@/hooks/use-document-title';
import { safeNext } from '@/lib/safe-next';

export default function LoginRoute() {
  useDocumentTitle('로그인');
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const next = safeNext(params.get('next'));
  const notice = params.get('signedUp')
    ? '회원가입이 완료되었습니다. 로그인해 주세요.'
    : params.get('deleted')
      ? '회원 탈퇴가 완료되었습니다. 계정과 저장된 데이터가 모두 삭제되었습니다.'
      : params.get('expired')
        ? '로그인이 필요하거나 만료되었습니다. 다시 로그인하면 보던 화면으로 돌아갑니다.'
        : null;
  return (
    <div className="py-6">
      <LoginForm
        initialEmail={params.get('email') ?? ''}
        notice={notice}
        next={next}
        onSuccess={() => void navigate(next, { replace: true })}
      />
    </div>
  );
}
