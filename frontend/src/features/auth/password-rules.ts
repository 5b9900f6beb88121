// Sign-up password rules, the same as the api enforces (≥ 8 chars, a letter, a digit, a special character).

export type PasswordRule = { id: 'length' | 'letter' | 'digit' | 'special'; label: string; test: (pw: string) => boolean };

export const PASSWORD_RULES: readonly PasswordRule[] = [
  { id: 'length', label: '8자 이상', test: (pw) => [...pw].length >= 8 },
  { id: 'letter', label: '영문 포함', test: (pw) => /[A-Za-z]/.test(pw) },
  { id: 'digit', label: '숫자 포함', test: (pw) => /[0-9]/.test(pw) },
  { id: 'special', label: '특수문자 포함', test: (pw) => /[^A-Za-z0-9\s]/.test(pw) },
];

export function checkPassword(pw: string): { id: PasswordRule['id']; label: string; ok: boolean }[] {
  return PASSWORD_RULES.map((r) => ({ id: r.id, label: r.label, ok: r.test(pw) }));
}

export function isPasswordValid(pw: string): boolean {
  return PASSWORD_RULES.every((r) => r.test(pw));
}

export function isEmailValid(email: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim());
}
