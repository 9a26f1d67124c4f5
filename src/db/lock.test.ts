import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirLockedError } from './lock.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-lock-'));

describe('data folder lock', () => {
  it('refuses a second holder while the first process lives, with what to do', () => {
    const dir = tmp();
    const parent = process.ppid; // a live process that is not us
    fs.writeFileSync(path.join(dir, 'canopy.pid'), String(parent));
    try {
      acquireDataDirLock(dir);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(DataDirLockedError);
      expect((err as Error).message).toContain(`pid ${parent}`);
      expect((err as Error).message).toContain('CANOPY_DATA_DIR');
    }
  });
  it('takes over a stale lock and releases it', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'canopy.pid'), '999999');
    const lock = acquireDataDirLock(dir);
    expect(fs.readFileSync(path.join(dir, 'canopy.pid'), 'utf8')).toBe(String(process.pid));
    lock.release();
    expect(fs.existsSync(path.join(dir, 'canopy.pid'))).toBe(false);
  });
});
