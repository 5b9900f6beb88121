// 내 계정: profile, 비밀번호 변경, 내 데이터 내보내기, 회원 탈퇴 (with a confirmation dialog).
// It guards itself instead of using RequireAuth: after a deletion the session ends here and the
// visitor goes to the login page's "탈퇴 완료" notice, not to "log in to come back".
import { useState } from 'react';
import { flushSync } from 'react-dom';
import { Navigate } from 'react-router';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { ErrorState } from '@/components/ui/states';
import { useDownloadMyData } from '@/features/auth/api/account';
import { DeleteAccountDialog } from '@/features/auth/components/delete-account-dialog';
import { PasswordChangeForm } from '@/features/auth/components/password-change-form';
import { useDocumentTitle } from '@/hooks/use-document-title';
import { authStore } from '@/lib/auth-store';
import { useSession } from '@/lib/use-session';

export default function AccountRoute() {
  useDocumentTitle('내 계정');
  const session = useSession();
  const download = useDownloadMyData();
  const [confirming, setConfirming] = useState(false);
  const [deleted, setDeleted] = useState(false);

  if (!session) return <Navigate to={deleted ? '/login?deleted=1' : '/login?next=%2Faccount'} replace />;

  const onDeleted = () => {
    flushSync(() => setDeleted(true)); // rendered before the session (its tokens already void) is forgotten
    authStore.clear();
  };

  return (
    <div className="mx-auto max-w-2xl space-y-4">
      <h1 className="text-xl font-bold">내 계정</h1>
      <Card title="계정 정보" id="account-profile">
        <dl className="grid grid-cols-[6rem_1fr] gap-y-1 text-sm">
          <dt className="text-slate-500">이메일</dt>
          <dd data-testid="account-email">{session?.user?.email ?? '-'}</dd>
          <dt className="text-slate-500">사용자명</dt>
          <dd>{session?.user?.username ?? '-'}</dd>
        </dl>
      </Card>
      <Card title="비밀번호 변경" id="account-password">
        <PasswordChangeForm />
      </Card>
      <Card title="내 데이터 내보내기" id="account-export">
        <p className="mb-3 text-sm text-slate-700">
          프로필, 관심종목, 저장한 기업 비교를 JSON 파일로 내려받습니다. 비밀번호는 포함되지 않습니다.
        </p>
        {download.isError ? <ErrorState className="mb-3" title="내보내지 못했습니다" error={download.error} /> : null}
        {download.isSuccess ? (
          <p role="status" className="mb-3 text-sm text-emerald-800" data-testid="export-done">
            관심종목 {download.data.favorites.length}개, 기업 비교 {download.data.comparisons.length}개를 내보냈습니다.
          </p>
        ) : null}
        <Button variant="secondary" onClick={() => download.mutate()} disabled={download.isPending}>
          {download.isPending ? '준비 중…' : '내 데이터 내보내기 (JSON)'}
        </Button>
      </Card>
      <Card title="회원 탈퇴" id="account-delete" className="border-red-200">
        <p className="mb-3 text-sm text-slate-700">
          계정과 관심종목, 저장한 기업 비교가 모두 삭제되고 모든 기기에서 로그아웃됩니다. 삭제된 데이터는 되돌릴 수 없습니다.
        </p>
        <Button variant="danger" onClick={() => setConfirming(true)}>
          회원 탈퇴
        </Button>
      </Card>
      {confirming ? <DeleteAccountDialog onClose={() => setConfirming(false)} onDeleted={onDeleted} /> : null}
    </div>
  );
}
