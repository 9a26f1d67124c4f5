import { useEffect } from 'react';
import { useLocation } from 'react-router';

/**
 * Scrolls to and briefly highlights the element named by the URL hash (`#task-…`, `#run-…`) once
 * the list that holds it has loaded: links from a rule's firings land on the task or run.
 */
export function useHashTarget(prefix: string, ready: boolean) {
  const { hash } = useLocation();
  useEffect(() => {
    if (!ready || !hash.startsWith(`#${prefix}`)) return;
    const el = document.getElementById(hash.slice(1));
    if (!el) return;
    el.scrollIntoView({ behavior: 'smooth', block: 'center' });
    el.style.outline = '2px solid var(--mantine-color-blue-5)';
    const t = window.setTimeout(() => (el.style.outline = ''), 2500);
    return () => window.clearTimeout(t);
  }, [hash, prefix, ready]);
}
