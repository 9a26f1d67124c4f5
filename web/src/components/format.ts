import dayjs from 'dayjs';
import relativeTime from 'dayjs/plugin/relativeTime';
import type { ContactRole, Role, Stage } from '../api/types';

dayjs.extend(relativeTime);

const compactMoney = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  notation: 'compact',
  // Both bounds: currency defaults to two minimum digits, which some ICU builds keep ("$609.0K").
  minimumFractionDigits: 0,
  maximumFractionDigits: 1,
});
const fullMoney = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
const integer = new Intl.NumberFormat('en-US');
const decimals = [0, 1, 2, 3].map((d) => new Intl.NumberFormat('en-US', { maximumFractionDigits: d }));

/**
 * The one formatter of the web app: money, counts, percentages and dates are written here and
 * nowhere else, so a figure reads the same on every screen. Money is compact with lowercase
 * `k` and uppercase `M`/`B` ("$609k", "$28.3M") in lists and headers, in full where one amount
 * is the point.
 */

/** `$1.2M`, `$45k`, `$900`. */
export function money(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return compactMoney.format(n).replace('K', 'k');
}

/** `$1,234,567`. */
export function moneyFull(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return fullMoney.format(n);
}

export function count(n: number): string {
  return integer.format(n);
}

/** A plain number with at most `digits` decimals: `1,234.5`. */
export function decimal(n: number | null | undefined, digits: 0 | 1 | 2 | 3 = 2): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return (decimals[digits] ?? integer).format(n);
}

/** `12 accounts` / `1 account`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

/** A ratio as a percentage, unsigned: 0.254 → `25.4%` (one decimal under 10%, whole above). */
export function percentOf(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  const p = ratio * 100;
  return `${decimal(Math.abs(p) >= 10 ? Math.round(p) : Math.round(p * 10) / 10, 1)}%`;
}

/** `part` as a share of `total`: `25%`, or `—` without a total. */
export function share(part: number, total: number): string {
  return total > 0 ? `${Math.round((part / total) * 100)}%` : '—';
}

/** What every screen says of the book: `300 accounts, 285 active · $28.3M ARR`; the ARR is of active accounts. */
export function bookLine(b: { accounts: number; active: number; activeArr?: number | undefined }): string {
  const head = `${plural(b.accounts, 'account')}${b.active === b.accounts ? '' : `, ${count(b.active)} active`}`;
  return b.activeArr === undefined ? head : `${head} · ${money(b.activeArr)} ARR${b.active === b.accounts ? '' : ' (active)'}`;
}

export function formatDay(day: string | null | undefined): string {
  if (!day) return '—';
  const d = dayjs(day);
  return d.isValid() ? d.format('MMM D, YYYY') : day;
}

/** A day on a chart axis: `Mar 5`. */
export function formatShortDay(day: string | null | undefined): string {
  if (!day) return '—';
  const d = dayjs(day);
  return d.isValid() ? d.format('MMM D') : day;
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = dayjs(iso);
  return d.isValid() ? d.format('MMM D, YYYY HH:mm') : iso;
}

/** Whole days from today (local) to a YYYY-MM-DD day; negative when past. */
export function daysUntil(day: string | null | undefined): number | null {
  if (!day) return null;
  const d = dayjs(day);
  if (!d.isValid()) return null;
  return d.startOf('day').diff(dayjs().startOf('day'), 'day');
}

export function daysLabel(days: number): string {
  if (days === 0) return 'today';
  if (days === 1) return 'tomorrow';
  if (days === -1) return 'yesterday';
  return days > 0 ? `in ${days} days` : `${-days} days ago`;
}

export function relative(iso: string | null | undefined): string {
  if (!iso) return 'never';
  const d = dayjs(iso);
  return d.isValid() ? d.fromNow() : iso;
}

/** A percent change, signed: `+12%`, `-3.5%`. */
export function percent(n: number): string {
  const rounded = Math.abs(n) >= 10 ? Math.round(n) : Math.round(n * 10) / 10;
  return `${rounded > 0 ? '+' : ''}${rounded}%`;
}

export const stageLabel: Record<Stage, string> = {
  onboarding: 'Onboarding',
  adoption: 'Adoption',
  renewal: 'Renewal',
  churned: 'Churned',
};

export const stageColor: Record<Stage, string> = {
  onboarding: 'blue',
  adoption: 'teal',
  renewal: 'orange',
  churned: 'gray',
};

export const contactRoleLabel: Record<ContactRole, string> = {
  champion: 'Champion',
  executive_sponsor: 'Executive sponsor',
  admin: 'Admin',
  user: 'User',
};

export const contactRoleColor: Record<ContactRole, string> = {
  champion: 'grape',
  executive_sponsor: 'indigo',
  admin: 'cyan',
  user: 'gray',
};

export const roleLabel: Record<Role, string> = {
  admin: 'Admin',
  manager: 'Manager',
  csm: 'CSM',
  viewer: 'Viewer',
};

export function isStage(v: string): v is Stage {
  return v === 'onboarding' || v === 'adoption' || v === 'renewal' || v === 'churned';
}
