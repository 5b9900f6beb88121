import { describe, expect, it } from 'vitest';
import { checkPassword, isEmailValid, isPasswordValid } from '@/features/auth/password-rules';

describe('password rules', () => {
  it('accepts the PRD example and rejects each missing class', () => {
    expect(isPasswordValid('SecurePass123!')).toBe(true);
    expect(isPasswordValid('Short1!')).toBe(false); // 7 chars
    expect(isPasswordValid('nodigits!!')).toBe(false);
    expect(isPasswordValid('12345678!')).toBe(false); // no letter
    expect(isPasswordValid('Password123')).toBe(false); // no special
    expect(isPasswordValid('비밀번호는길다1!')).toBe(false); // Hangul is not an English letter
    expect(isPasswordValid('Secure비밀Pass123!')).toBe(false); // ASCII only: 72 characters are bcrypt's 72 bytes
    expect(isPasswordValid(`Aa1!${'x'.repeat(68)}`)).toBe(true);
    expect(isPasswordValid(`Aa1!${'x'.repeat(69)}`)).toBe(false); // 73 characters
  });

  it('reports each rule separately for the live checklist', () => {
    expect(checkPassword('abc')).toEqual([
      { id: 'length', label: '8–72자 (영문 자판 문자)', ok: false },
      { id: 'letter', label: '영문 포함', ok: true },
      { id: 'digit', label: '숫자 포함', ok: false },
      { id: 'special', label: '특수문자 포함', ok: false },
    ]);
    expect(checkPassword('').every((r) => !r.ok)).toBe(true);
    expect(checkPassword('a b c d e 1').find((r) => r.id === 'special')?.ok).toBe(false); // spaces are not special
  });

  it('checks email shape', () => {
    expect(isEmailValid('user@example.com')).toBe(true);
    expect(isEmailValid('user@example')).toBe(false);
    expect(isEmailValid('no at.com')).toBe(false);
  });
});
