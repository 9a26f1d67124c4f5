import { defaultClassifier } from '../classifier.js';
import { TALK_LABELS } from '../types.js';
import fs from 'node:fs';
import { figures } from './metrics.js';
import { evaluate, parseUtterances, type SplitReport } from './dataset.js';

/**
 * `npm run eval:change-talk`: prints the classifier's figures on the labelled set. `-- --misses` lists the tuning
 * split's errors (never the held-out split's); `-- --extra <file.jsonl>` also scores other labelled lines, e.g. the
 * corrections exported by GET /api/change-talk/corrections?format=jsonl.
 */

const pct = (x: number) => x.toFixed(3);

function print(name: string, r: SplitReport): void {
  console.log(`\n${name}: n = ${r.n}, accuracy ${pct(r.accuracy)}, macro-F1 ${pct(r.macroF1)}`);
  console.log('class     precision  recall  F1     n   predicted');
  for (const c of r.classes) {
    console.log(`${c.label.padEnd(9)} ${pct(c.precision).padStart(9)}  ${pct(c.recall).padStart(6)}  ${pct(c.f1)}  ${String(c.n).padStart(3)}  ${String(c.predicted).padStart(3)}`);
  }
  console.log(`confusion (rows gold, columns predicted: ${TALK_LABELS.join(' / ')})`);
  for (const g of TALK_LABELS) console.log(`  ${g.padEnd(8)} ${TALK_LABELS.map((p) => String(r.confusion[g][p]).padStart(4)).join('')}`);
}

const e = evaluate(defaultClassifier);
console.log(`classifier ${e.version}`);
print('tuning split', e.tune);
print('held-out split', e.test);
const i = e.test.macroF1Interval;
console.log(`held-out macro-F1 ${Math.round(i.level * 100)}% bootstrap interval (${i.rounds} resamples): ${pct(i.low)}–${pct(i.high)}`);
if (process.argv.includes('--misses')) {
  console.log('\ntuning split misses:');
  for (const m of e.tune.misses) console.log(`  [${m.gold} → ${m.predicted}] ${m.text}${m.note ? `  # ${m.note}` : ''}  {${m.phrases.join('; ')}}`);
}

const extraAt = process.argv.indexOf('--extra');
const extraPath = extraAt >= 0 ? process.argv[extraAt + 1] : undefined;
if (extraPath) {
  const items = parseUtterances(fs.readFileSync(extraPath, 'utf8'));
  const f = figures(items.map((u) => ({ gold: u.label, predicted: defaultClassifier.classify(u.text).label })));
  print(`extra lines (${extraPath})`, { ...f, misses: [] });
}
