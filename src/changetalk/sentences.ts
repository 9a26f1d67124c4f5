/** Sentence facts the classifier's rules need: where each sentence is, whether it asks, where its contrasts are. */

export type Sentence = {
  start: number;
  end: number;
  /** Ends in "?" or opens like a question ("should we", "can you"). */
  question: boolean;
  /** Opened by "although"/"even though"…: the index of the comma that ends that clause, else -1. */
  concessiveEnd: number;
  /** Opens with "But"/"However": the previous sentence is the weaker side of a contrast. */
  opensWithContrast: boolean;
  /** Indexes (into the whole text) of "but"/"however" inside the sentence, after its first word. */
  contrasts: number[];
};

const TERMINATORS = /[.!?;\n\u2026\u3002]+/gu;
const CONTRAST = /(?<![\p{L}\p{N}_])(?:but|however|except that|that said)(?![\p{L}\p{N}_])/giu;
const CONTRAST_OPEN = /^\W*(?:but|however)(?![\p{L}\p{N}_])/iu;
const CONCESSIVE_OPEN = /^\W*(?:although|though|even though|even if|while|despite)(?![\p{L}\p{N}_])/iu;
const QUESTION_OPEN = new RegExp(String.raw`^\W*(?:should|shall|can|could|would|will|do|does|did|is|are|was|were|have|has|am)\s+` +
  String.raw`(?:we|i|you|they|it|this|that|there|he|she|your|our|the)(?![\p{L}\p{N}_])`, 'iu');

export function sentencesOf(text: string): Sentence[] {
  const out: Sentence[] = [];
  let start = 0;
  const push = (end: number, terminator: string) => {
    const body = text.slice(start, end);
    let concessiveEnd = -1;
    if (CONCESSIVE_OPEN.test(body)) {
      const comma = body.indexOf(',');
      if (comma >= 0) concessiveEnd = start + comma;
    }
    const opensWithContrast = CONTRAST_OPEN.test(body);
    const lead = body.length - body.trimStart().length;
    const contrasts = Array.from(body.matchAll(CONTRAST), (m) => start + m.index).filter((c) => c > start + lead);
    out.push({ start, end, question: terminator.includes('?') || QUESTION_OPEN.test(body), concessiveEnd, opensWithContrast, contrasts });
  };
  for (const m of text.matchAll(TERMINATORS)) {
    push(m.index, m[0]);
    start = m.index + m[0].length;
  }
  if (start < text.length || out.length === 0) push(text.length, '');
  return out;
}
