import type { Actor } from '../auth/principal.js';
import { recordAuditRaw } from '../audit/record.js';
import type { Database } from '../db/connect.js';
import { decodeCursor, timestampUuid } from '../http/cursor.js';
import { AppError } from '../http/errors.js';
import { analyzeTexts, currentClassifier, invalidatePhraseCache } from './analyze.js';
import { BUILTIN_LEXICON } from './lexicon.js';
import { RULES } from './classifier.js';
import { evaluate, loadUtterances, type Evaluation, type Utterance } from './eval/dataset.js';
import { textHash } from './normalize.js';
import type { Correction, CorrectionCreate, CorrectionListQuery, Phrase, PhraseCreate } from './schema.js';
import {
  accountExists, deletePhrase, insertCorrection, insertPhrase, latestCorrectionPerText, listCorrections, listPhrases, samePhrase, sourceAccountId,
} from './store.js';
import type { ShownTalk } from './types.js';

const SOURCE_NAMES = { activity: 'activity', check_in: 'check-in', survey_response: 'survey response' } as const;

/** Change talk's named operations: classify, the admins' phrases, people's corrections, the figures of the labelled set. */
export function createChangeTalkService(database: Database) {
  let utterances: Utterance[] | null = null;
  let evaluated: { version: string; figures: Omit<Evaluation, 'version'> } | null = null;

  return {
    async classify(text: string): Promise<ShownTalk> {
      const [shown] = await analyzeTexts(database, [text]);
      if (!shown) throw new Error('analyzeTexts returned nothing for one text');
      return shown;
    },

    async phrases(): Promise<{ items: Phrase[]; version: string }> {
      const [items, classifier] = await Promise.all([listPhrases(database), currentClassifier(database)]);
      return { items, version: classifier.version };
    },

    /** The built-in lexicon and the rules, for people to read what the classifier does. */
    async lexicon() {
      const classifier = await currentClassifier(database);
      return {
        version: classifier.version,
        phrases: BUILTIN_LEXICON.map((e) => ({ phrase: e.phrase, polarity: e.polarity, category: e.category, weight: e.weight ?? 1 })),
        rules: RULES,
      };
    },

    async addPhrase(input: PhraseCreate, by: Actor): Promise<Phrase> {
      const created = await database.transaction(async (tx) => {
        // The same words as the matcher reads them (case, whitespace runs and apostrophe forms aside), also against rows
        // written before phrases were normalised on input.
        const taken = await samePhrase(tx, input.phrase, input.polarity);
        const p = taken ? null : await insertPhrase(tx, input, by);
        if (!p) {
          throw new AppError('change_talk.phrase_taken', undefined, [
            { path: 'phrase', message: `"${taken?.phrase ?? input.phrase}" is already a ${input.polarity} phrase` }]);
        }
        await recordAuditRaw(tx, by, [{ action: 'create', objectType: 'change_talk_phrase', objectId: p.id, objectLabel: p.phrase,
          changes: { phrase: p.phrase, polarity: p.polarity, category: p.category } }]);
        return p;
      });
      invalidatePhraseCache();
      return created;
    },

    async removePhrase(id: string, by: Actor): Promise<void> {
      await database.transaction(async (tx) => {
        const p = await deletePhrase(tx, id);
        if (!p) throw new AppError('change_talk.phrase_not_found');
        await recordAuditRaw(tx, by, [{ action: 'delete', objectType: 'change_talk_phrase', objectId: p.id, objectLabel: p.phrase,
          changes: { phrase: p.phrase, polarity: p.polarity, category: p.category } }]);
      });
      invalidatePhraseCache();
    },

    /**
     * The account a correction belongs to: `accountId`, else the account of its source. Refuses (400, naming the field) a
     * sourceId without its kind, a sourceId of a 'manual' correction, a source that does not exist, a source of another
     * account than `accountId`, and an unknown account. The caller checks that the person may update that account.
     */
    async correctionAccount(input: CorrectionCreate): Promise<string | null> {
      const invalid = (path: string, message: string) => new AppError('request.invalid', undefined, [{ path, message }]);
      if (input.sourceId !== undefined && input.sourceKind === undefined) throw invalid('sourceKind', 'Say what kind of text sourceId points at');
      let sourceAccount: string | undefined;
      if (input.sourceId !== undefined && input.sourceKind !== undefined) {
        if (input.sourceKind === 'manual') throw invalid('sourceId', 'A manual correction has no source; leave sourceId out');
        const kind = input.sourceKind;
        sourceAccount = await sourceAccountId(database, kind, input.sourceId);
        const what = SOURCE_NAMES[kind];
        if (sourceAccount === undefined) throw invalid('sourceId', `No ${what} has this id`);
        if (input.accountId !== undefined && sourceAccount !== input.accountId) throw invalid('sourceId', `This ${what} belongs to another account than accountId`);
      }
      if (input.accountId !== undefined && !(await accountExists(database, input.accountId))) throw invalid('accountId', 'No account has this id');
      return input.accountId ?? sourceAccount ?? null;
    },

    async correct(input: CorrectionCreate, by: Actor): Promise<Correction> {
      if (input.sourceId !== undefined && input.sourceKind === undefined) {
        throw new AppError('request.invalid', undefined, [{ path: 'sourceKind', message: 'Say what kind of text sourceId points at' }]);
      }
      return database.transaction(async (tx) => {
        if (input.accountId !== undefined && !(await accountExists(tx, input.accountId))) {
          throw new AppError('request.invalid', undefined, [{ path: 'accountId', message: 'No account has this id' }]);
        }
        const analysis = (await currentClassifier(tx)).classify(input.text);
        const c = await insertCorrection(tx, {
          text: input.text, textHash: textHash(input.text), label: input.label, predicted: analysis.label, classifierVersion: analysis.version,
          sourceKind: input.sourceKind ?? null, sourceId: input.sourceId ?? null, accountId: input.accountId ?? null, note: input.note ?? null,
        }, by);
        await recordAuditRaw(tx, by, [{ action: 'create', objectType: 'change_talk_correction', objectId: c.id, objectLabel: c.text.slice(0, 80),
          changes: { label: c.label, predicted: c.predicted, classifierVersion: c.classifierVersion, accountId: c.accountId } }]);
        return c;
      });
    },

    async corrections(query: CorrectionListQuery) {
      const after = query.cursor ? decodeCursor(query.cursor, timestampUuid) : null;
      return listCorrections(database, { limit: query.limit, after, accountId: query.accountId ?? null });
    },

    /** The newest correction of each text as lines of the labelled set (src/changetalk/eval/utterances.jsonl). */
    async correctionsJsonl(accountId: string | null): Promise<string> {
      const rows = await latestCorrectionPerText(database, accountId);
      return rows.map((c) => JSON.stringify({
        text: c.text, label: c.label,
        note: `correction ${c.id} (${c.createdAt}): ${c.classifierVersion} said ${c.predicted}${c.note ? `; ${c.note}` : ''}`,
        split: 'tune',
      }) + '\n').join('');
    },

    /** The current classifier's figures on the labelled set (cached per classifier version), and on people's corrections. */
    async evaluation(): Promise<Evaluation & { corrections: { n: number; agreement: number | null } }> {
      const classifier = await currentClassifier(database);
      if (evaluated?.version !== classifier.version) {
        utterances ??= loadUtterances();
        const { version: _v, ...figures } = evaluate(classifier, utterances);
        evaluated = { version: classifier.version, figures };
      }
      const corrected = await latestCorrectionPerText(database, null);
      const agree = corrected.filter((c) => classifier.classify(c.text).label === c.label).length;
      return {
        version: classifier.version, ...evaluated.figures,
        corrections: { n: corrected.length, agreement: corrected.length ? agree / corrected.length : null },
      };
    },
  };
}
export type ChangeTalkService = ReturnType<typeof createChangeTalkService>;
