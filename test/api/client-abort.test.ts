import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { buildApp } from '../../src/server/app.js';
import { createTestDatabase } from '../support/db.js';

describe('a client that hangs up mid-upload', () => {
  it('is logged as the client going away, never as the database being unavailable', async () => {
    const lines: { level: number; msg: string }[] = [];
    const sink = new Writable({ write(chunk: Buffer, _enc, cb) { lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string }); cb(); } });
    const { database, drop } = await createTestDatabase();
    const app = await buildApp({ config: loadConfig({ LOG_LEVEL: 'info' }), database, logger: pino({ level: 'info' }, sink), webDist: '/nonexistent' });
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as AddressInfo;
      for (let i = 0; i < 3; i++) {
        const socket = net.connect(port, '127.0.0.1');
        await new Promise<void>((resolve) => socket.once('connect', resolve));
        socket.on('error', () => undefined);
        socket.write('POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"email":"');
        await new Promise((r) => setTimeout(r, 100));
        socket.destroy();
      }
      await expect.poll(() => lines.filter((l) => l.msg.includes('closed the connection')).length, { timeout: 5000 }).toBe(3);
      expect(lines.filter((l) => l.msg === 'database unavailable' || l.level >= 50)).toEqual([]);
    } finally {
      await app.close();
      await drop();
    }
  });
});
