import { useNavigate, useSearchParams } from 'react-router';
import { SignupForm } from '@/features/auth/components/signup-form';
import { useDocumentTitle } from '@/hooks/use-document-title';
import { safeNext } from '@/lib/safe-next';

export default function SignupRoute() {
  useDocumentTitle('회원가입');
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const next = safeNext(params.get('next'));
  return (
    <div className="py-6">
      <SignupForm
        next={next}
        onSuccess={(email) => {
          const qs = new URLSearchParams({ signedUp: '1', email });
          if (next !== '/') qs.set('next', next);
          void navigate(`/login?${qs.toString()}`, { replace: true });
        }}
      />
    </div>
  );
}
