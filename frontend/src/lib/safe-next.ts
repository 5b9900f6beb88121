// Where to go after logging in or signing up: only same-site paths are accepted as a return target.

export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//')) return '/';
  if (next.startsWith('/login') || next.startsWith('/signup')) return '/';
  return next;
}
