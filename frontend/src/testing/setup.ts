// Vitest setup: unmount React trees between tests and start each test with empty storage.
import { afterEach } from 'vitest';
import { cleanup } from '@testing-library/react';

afterEach(() => {
  cleanup();
  localStorage.clear();
});
