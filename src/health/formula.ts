// Formula drivers: an arithmetic expression over other drivers' keys, e.g.
// `active_users / seats * 100`. jsep parses; this file allows only numbers, driver keys,
// + - * /, unary minus, parentheses and min/max/abs — nothing else can run.
import jsep from 'jsep';

export type Formula = { ast: jsep.Expression; refs: string[] };
export type FormulaError = { message: string };

const FUNCTIONS: Record<string, (...xs: number[]) => number> = { min: Math.min, max: Math.max, abs: Math.abs };
const OPERATORS = new Set(['+', '-', '*', '/']);

function walk(node: jsep.Expression, refs: Set<string>): string | null {
  switch (node.type) {
    case 'Literal':
      return typeof (node as jsep.Literal).value === 'number' ? null : 'only numbers are allowed as constants';
    case 'Identifier':
      refs.add((node as jsep.Identifier).name);
      return null;
    case 'BinaryExpression': {
      const b = node as jsep.BinaryExpression;
      if (!OPERATORS.has(b.operator)) return `operator ${b.operator} is not allowed (use + - * /)`;
      return walk(b.left, refs) ?? walk(b.right, refs);
    }
    case 'UnaryExpression': {
      const u = node as jsep.UnaryExpression;
      return u.operator === '-' || u.operator === '+' ? walk(u.argument, refs) : `operator ${u.operator} is not allowed`;
    }
    case 'CallExpression': {
      const c = node as jsep.CallExpression;
      const name = c.callee.type === 'Identifier' ? (c.callee as jsep.Identifier).name : '';
      if (!FUNCTIONS[name]) return `unknown function ${name || '?'} (use min, max or abs)`;
      if (c.arguments.length === 0) return `${name} needs arguments`;
      for (const a of c.arguments) {
        const e = walk(a, refs);
        if (e) return e;
      }
      return null;
    }
    default:
      return `${node.type} is not allowed in a formula`;
  }
}

export function parseFormula(expression: string): Formula | FormulaError {
  let ast: jsep.Expression;
  try {
    ast = jsep(expression);
  } catch (err) {
    return { message: `cannot parse: ${(err as Error).message}` };
  }
  const refs = new Set<string>();
  const problem = walk(ast, refs);
  for (const f of Object.keys(FUNCTIONS)) refs.delete(f);
  return problem ? { message: problem } : { ast, refs: [...refs] };
}

export const isFormulaError = (f: Formula | FormulaError): f is FormulaError => 'message' in f;

/** The value of a parsed formula; null when a driver it uses has no value or it divides by zero. */
export function evaluateFormula(ast: jsep.Expression, values: ReadonlyMap<string, number | null>): number | null {
  const ev = (node: jsep.Expression): number | null => {
    switch (node.type) {
      case 'Literal':
        return (node as jsep.Literal).value as number;
      case 'Identifier':
        return values.get((node as jsep.Identifier).name) ?? null;
      case 'UnaryExpression': {
        const v = ev((node as jsep.UnaryExpression).argument);
        return v === null ? null : (node as jsep.UnaryExpression).operator === '-' ? -v : v;
      }
      case 'BinaryExpression': {
        const b = node as jsep.BinaryExpression;
        const l = ev(b.left);
        const r = ev(b.right);
        if (l === null || r === null) return null;
        if (b.operator === '/') return r === 0 ? null : l / r;
        return b.operator === '+' ? l + r : b.operator === '-' ? l - r : l * r;
      }
      case 'CallExpression': {
        const c = node as jsep.CallExpression;
        const args = c.arguments.map(ev);
        if (args.some((a) => a === null)) return null;
        const fn = FUNCTIONS[(c.callee as jsep.Identifier).name];
        return fn ? fn(...(args as number[])) : null;
      }
      default:
        return null;
    }
  };
  const v = ev(ast);
  return v !== null && Number.isFinite(v) ? v : null;
}

/**
 * Order in which formula drivers can be evaluated, or the cycle that prevents it.
 * `deps` maps a driver key to the keys its formula uses (non-formula drivers map to []).
 */
export function formulaOrder(deps: ReadonlyMap<string, string[]>): { order: string[] } | { cycle: string[] } {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (k: string): string[] | null => {
    const s = state.get(k);
    if (s === 'done') return null;
    if (s === 'visiting') return [...stack.slice(stack.indexOf(k)), k];
    state.set(k, 'visiting');
    stack.push(k);
    for (const d of deps.get(k) ?? []) {
      const cycle = visit(d);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(k, 'done');
    order.push(k);
    return null;
  };
  for (const k of deps.keys()) {
    const cycle = visit(k);
    if (cycle) return { cycle };
  }
  return { order };
}
