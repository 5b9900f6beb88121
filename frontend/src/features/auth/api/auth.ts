// POST /users/signup, /users/login, /users/logout — and the session they create or end.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest, sessionFromTokens } from '@/lib/api-client';
import { authStore } from '@/lib/auth-store';

export type SignupInput = { email: string; username: string; password: string };
export type LoginInput = { email: string; password: string };

export function signup(input: SignupInput) {
  return apiRequest<{ userId: number }>('/users/signup', { method: 'POST', body: input });
}

export async function login(input: LoginInput) {
  const res = await apiRequest<unknown>('/users/login', { method: 'POST', body: input });
  const session = sessionFromTokens(res);
  if (!session.user) session.user = { userId: '', email: input.email, username: input.email.split('@')[0] };
  authStore.set(session);
  return session;
}

export async function logout() {
  const session = authStore.get();
  try {
    if (session) {
      await apiRequest('/users/logout', {
        method: 'POST',
        auth: 'required',
        body: session.refreshToken ? { refreshToken: session.refreshToken } : {},
      });
    }
  } finally {
    // Even when the server cannot be reached, this browser forgets the tokens.
    authStore.clear();
  }
}

export function useSignup() {
  return useMutation({ mutationFn: signup });
}

export function useLogin() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: login,
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['me'] });
    },
  });
}

export function useLogout() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: logout,
    onSettled: () => {
      qc.removeQueries({ queryKey: ['me'] });
      qc.removeQueries({ queryKey: ['favorites'] });
      qc.removeQueries({ queryKey: ['comparisons'] });
    },
  });
}
