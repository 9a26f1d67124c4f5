import dayjs from 'dayjs';
import relativeTime from 'dayjs/plugin/relativeTime';
import type { ContactRole, Role, Stage } from '../api/types';

dayjs.extend(relativeTime);

const compactMoney = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  notation: 'compact',
  maximumFractionDigits: 1,
});
const fullMoney = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
const integer = new Intl.NumberFormat('en-US');

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

export function formatDay(day: string | null | undefined): string {
  if (!day) return '—';
  const d = dayjs(day);
  return d.isValid() ? d.format('MMM D, YYYY') : day;
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
