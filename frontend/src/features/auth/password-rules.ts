// Sign-up password rules, the same as the api enforces (its OpenAPI pattern): 8–72 printable ASCII
// characters with a letter, a digit and a special character.

export type PasswordRule = { id: 'length' | 'letter' | 'digit' | 'special'; label: string; test: (pw: string) => boolean };

export const PASSWORD_RULES: readonly PasswordRule[] = [
  { id: 'length', label: '8–72자 (영문 자판 문자)', test: (pw) => /^[ -~]{8,72}$/.test(pw) },
  { id: 'letter', label: '영문 포함', test: (pw) => /[A-Za-z]/.test(pw) },
  { id: 'digit', label: '숫자 포함', test: (pw) => /[0-9]/.test(pw) },
  { id: 'special', label: '특수문자 포함', test: (pw) => /[!-/:-@[-`{-~]/.test(pw) },
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
