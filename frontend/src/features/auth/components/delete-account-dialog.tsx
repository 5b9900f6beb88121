// 회원 탈퇴: a confirmation dialog that names what is deleted and asks for the password.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { ErrorState } from '@/components/ui/states';
import { useDeleteAccount } from '@/features/auth/api/account';
import { Field, inputClass } from '@/features/auth/components/auth-card';
import { ApiError } from '@/lib/api-client';

export function DeleteAccountDialog({ onClose, onDeleted }: { onClose: () => void; onDeleted: () => void }) {
  const [password, setPassword] = useState('');
  const [understood, setUnderstood] = useState(false);
  const remove = useDeleteAccount();
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    inputRef.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !remove.isPending) onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onClose, remove.isPending]);

  const wrongPassword = remove.error instanceof ApiError && remove.error.field === 'password';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!password || !understood) return;
    remove.mutate(password, { onSuccess: onDeleted });
  };

  return (
    <div className="fixed inset-0 z-50 flex items-center justify-center bg-slate-900/50 p-4">
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby="delete-account-title"
        aria-describedby="delete-account-desc"
        className="w-full max-w-md rounded-xl bg-white p-5 shadow-xl"
        data-testid="delete-account-dialog"
      >
        <h2 id="delete-account-title" className="text-lg font-bold text-red-800">
          정말 탈퇴하시겠어요?
        </h2>
        <div id="delete-account-desc" className="mt-2 space-y-1 text-sm text-slate-700">
          <p>탈퇴하면 계정, 관심종목, 저장한 기업 비교가 바로 삭제되고 모든 기기에서 로그아웃됩니다.</p>
          <p className="font-medium">삭제된 데이터는 되돌릴 수 없습니다. 필요하면 먼저 내 데이터를 내보내 주세요.</p>
        </div>
        <form onSubmit={submit} noValidate className="mt-4">
          <Field id="delete-account-password" label="비밀번호 확인" error={wrongPassword ? '비밀번호가 올바르지 않습니다.' : null}>
            <input
              ref={inputRef}
              id="delete-account-password"
              type="password"
              autoComplete="current-password"
              className={inputClass}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-invalid={wrongPassword}
            />
          </Field>
          <label className="mb-4 flex items-start gap-2 text-sm text-slate-800">
            <input type="checkbox" className="mt-0.5 h-4 w-4" checked={understood} onChange={(e) => setUnderstood(e.target.checked)} />
            모든 데이터가 삭제되며 되돌릴 수 없음을 이해했습니다.
          </label>
          {remove.isError && !wrongPassword ? <ErrorState className="mb-4" title="탈퇴하지 못했습니다" error={remove.error} /> : null}
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={onClose} disabled={remove.isPending}>
              취소
            </Button>
            <Button type="submit" variant="danger" disabled={!password || !understood || remove.isPending}>
              {remove.isPending ? '탈퇴 처리 중…' : '탈퇴하기'}
            </Button>
          </div>
        </form>
      </div>
    </div>
  );
}
