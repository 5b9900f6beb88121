import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { DeleteAccountDialog } from '@/features/auth/components/delete-account-dialog';
import { authStore } from '@/lib/auth-store';

afterEach(() => vi.unstubAllGlobals());

function json(body: unknown, status: number) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

function renderDialog() {
  authStore.set({ accessToken: 'a.b.c', refreshToken: 'r', expiresAt: Date.now() + 600_000, user: null });
  const onClose = vi.fn();
  const onDeleted = vi.fn();
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { mutations: { retry: false } } })}>
      <DeleteAccountDialog onClose={onClose} onDeleted={onDeleted} />
    </QueryClientProvider>,
  );
  return { onClose, onDeleted };
}

describe('DeleteAccountDialog', () => {
  it('needs the password and the confirmation before deleting', async () => {
    const fetchMock = vi.fn(() => Promise.resolve(json({ status: 200, message: '회원 탈퇴가 완료되었습니다.', data: { userId: 5 } }, 200)));
    vi.stubGlobal('fetch', fetchMock);
    const { onDeleted } = renderDialog();
    const submit = screen.getByRole('button', { name: '탈퇴하기' });
    expect((submit as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByLabelText('비밀번호 확인'), { target: { value: 'Secret-1!' } });
    expect((submit as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole('checkbox'));
    expect((submit as HTMLButtonElement).disabled).toBe(false);
    fireEvent.click(submit);
    await vi.waitFor(() => expect(onDeleted).toHaveBeenCalled());
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toMatch(/\/users\/me$/);
    expect(init.method).toBe('DELETE');
    expect(JSON.parse(init.body as string)).toEqual({ password: 'Secret-1!' });
  });

  it('shows a wrong password next to the field and stays open', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() =>
        Promise.resolve(json({ status: 403, code: 'FORBIDDEN', message: '비밀번호가 올바르지 않습니다.', field: 'password' }, 403)),
      ),
    );
    const { onDeleted } = renderDialog();
    fireEvent.change(screen.getByLabelText('비밀번호 확인'), { target: { value: 'wrong' } });
    fireEvent.click(screen.getByRole('checkbox'));
    fireEvent.click(screen.getByRole('button', { name: '탈퇴하기' }));
    expect(await screen.findByText('비밀번호가 올바르지 않습니다.')).toBeTruthy();
    expect(onDeleted).not.toHaveBeenCalled();
    expect(authStore.get()).not.toBeNull();
  });

  it('closes on Escape', () => {
    const { onClose } = renderDialog();
    fireEvent.keyDown(document, { key: 'Escape' });
    expect(onClose).toHaveBeenCalled();
  });
});
