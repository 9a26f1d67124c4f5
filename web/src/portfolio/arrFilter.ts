/**
 * The portfolio's ARR filters as typed (pure; unit-tested in arrFilter.test.ts). The API takes an
 * amount in plain digits with at most two decimals, from 0 to 999,999,999,999.99 (queryMoney in
 * src/http/zod.ts). A value outside that is the field's message and is not applied: never clamped
 * to 0 on blur (issue 9 §7), never sent to be refused.
 */
export const ARR_FILTER_MAX = 999_999_999_999.99;
const API_FORM = /^\d{1,15}(\.\d{1,2})?$/;

/** The field's message (short: the fields are narrow, in the filter bar), or undefined when the text is empty or an amount the API takes. */
export function arrFilterError(text: string): string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  if (/^-\s*[\d.]/.test(t)) return '$0 or more';
  if (!/^\d*\.?\d*$/.test(t) || !Number.isFinite(n)) return 'Digits only';
  if (n > ARR_FILTER_MAX) return 'Too large';
  if (!/^\d*(\.\d{0,2})?$/.test(t)) return 'Cents at most';
  return undefined;
}

/** What goes in the URL (and so to the API): the amount in the API's form, '' for no filter, null when the text is refused. */
export function arrFilterValue(text: string): string | null {
  const t = text.trim();
  if (t === '') return '';
  if (arrFilterError(t)) return null;
  return API_FORM.test(t) ? t : String(Number(t));
}

/** A URL's ARR bound for the API: undefined when absent or not an amount it takes (the field says why). */
export function arrFilterParam(v: string | null): number | undefined {
  const value = arrFilterValue(v ?? '');
  return value ? Number(value) : undefined;
}
