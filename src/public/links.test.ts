import { describe, expect, it } from 'vitest';
import { relativeLinksWarning } from './links.js';

describe('relativeLinksWarning', () => {
  it('warns only when SMTP is set and CANOPY_PUBLIC_URL is not', () => {
    expect(relativeLinksWarning({ smtp: { url: 'smtp://mail.example.test:587', from: 'x' }, publicUrl: undefined })).toMatch(/CANOPY_PUBLIC_URL is not/);
    expect(relativeLinksWarning({ smtp: { url: 'smtp://mail.example.test:587', from: 'x' }, publicUrl: 'https://cs.example.test' })).toBeNull();
    expect(relativeLinksWarning({ smtp: { url: undefined, from: 'x' }, publicUrl: undefined })).toBeNull();
  });
});
