// Account control: PUT /users/me/password, GET /users/me/export, DELETE /users/me.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest, sessionFromTokens } from '@/lib/api-client';
import { authStore } from '@/lib/auth-store';
import type { AccountExport } from '@/types/api';

export type PasswordChange = { currentPassword: string; newPassword: string };

/** The other sessions are signed out by the server; this one continues with the fresh pair it returns. */
export async function changePassword(input: PasswordChange) {
  const res = await apiRequest<unknown>('/users/me/password', { method: 'PUT', body: input, auth: 'required' });
  authStore.set(sessionFromTokens(res, authStore.get()));
  return res;
}

export function exportFileName(now = new Date()): string {
  const kst = new Date(now.getTime() + 9 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '');
  return `krx-my-data-${kst}.json`;
}

/** Fetches the export (it needs the bearer token, so not a plain link) and saves it as a file. */
export async function downloadMyData(): Promise<AccountExport> {
  const res = await apiRequest<AccountExport>('/users/me/export', { auth: 'required' });
  const blob = new Blob([JSON.stringify(res.data, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = exportFileName();
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
  return res.data;
}

/** The server voids every token at once; the caller forgets this browser's session once it has left
 * the signed-in page (clearing it here would bounce that page to the login form first). */
export async function deleteAccount(password: string) {
  await apiRequest<unknown>('/users/me', { method: 'DELETE', body: { password }, auth: 'required' });
}

export function useChangePassword() {
  return useMutation({ mutationFn: changePassword });
}

export function useDownloadMyData() {
  return useMutation({ mutationFn: downloadMyData });
}

export function useDeleteAccount() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: deleteAccount,
    onSuccess: () => {
      qc.removeQueries({ queryKey: ['me'] });
      qc.removeQueries({ queryKey: ['favorites'] });
      qc.removeQueries({ queryKey: ['comparisons'] });
    },
  });
}
