// Builds the web app when web/dist is missing or older than its sources, so that
// `npm install && npm start` on a fresh clone serves the UI without another step.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const built = path.join(root, 'web/dist/index.html');

function newest(dir) {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

const sources = [path.join(root, 'web/src'), path.join(root, 'web/index.html')].filter((p) => fs.existsSync(p));
const stale = !fs.existsSync(built) || sources.some((p) => (fs.statSync(p).isDirectory() ? newest(p) : fs.statSync(p).mtimeMs) > fs.statSync(built).mtimeMs);
if (stale) {
  console.log('Building the web app (once; about a minute on a small machine)…');
  execFileSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
}
