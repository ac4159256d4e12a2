/**
 * Symbolic values of the access model (docs/ARCHITECTURE.md, "Access model"): strings that are known at
 * synth time in part only, and three-valued logic over them. Pure: no CDK.
 *
 * A value (`Str`) is a sequence of literal parts and holes. A hole stands for a string that CloudFormation
 * decides at deploy time (a generated role name, a cluster id, a parameter). Two holes with the same id are
 * the same string; two holes of the same `kind` with different ids are different strings (two resources of
 * one type never share a physical id). Comparisons answer `true`, `false` or `undefined` (unknown): the
 * model never turns an unknown into an answer.
 */

/** Three-valued truth: `undefined` is "unknown". */
export type Tri = boolean | undefined;

export const Tri = {
  and(...values: Tri[]): Tri {
    let unknown = false;
    for (const v of values) {
      if (v === false) return false;
      if (v === undefined) unknown = true;
    }
    return unknown ? undefined : true;
  },
  or(...values: Tri[]): Tri {
    let unknown = false;
    for (const v of values) {
      if (v === true) return true;
      if (v === undefined) unknown = true;
    }
    return unknown ? undefined : false;
  },
  not(v: Tri): Tri {
    return v === undefined ? undefined : !v;
  },
};

/** A string decided at deploy time. */
export interface Hole {
  /** Identity: two holes with the same id are the same string. */
  readonly id: string;
  /**
   * Distinct class: two holes of one kind with different ids are different strings (the physical ids of
   * two resources of one type). Undefined when nothing is known.
   */
  readonly kind?: string;
  /** A deploy-time input (a parameter, an import from outside the app): never checkable at synth. */
  readonly param?: boolean;
}

export type Part = string | Hole;

/** A symbolic string: literal parts and holes, adjacent literals merged, no empty literal. */
export type Str = readonly Part[];

export function hole(id: string, kind?: string, param?: boolean): Hole {
  return param ? { id, kind, param } : kind ? { id, kind } : { id };
}

/** Concatenate, normalizing adjacent literals. */
export function concat(...parts: ReadonlyArray<Part | Str>): Str {
  const out: Part[] = [];
  const push = (p: Part) => {
    if (typeof p === 'string') {
      if (p === '') return;
      const last = out[out.length - 1];
      if (typeof last === 'string') out[out.length - 1] = last + p;
      else out.push(p);
    } else {
      out.push(p);
    }
  };
  for (const p of parts) {
    if (Array.isArray(p)) for (const q of p) push(q);
    else push(p as Part);
  }
  return out;
}

export function lit(s: string): Str {
  return s === '' ? [] : [s];
}

/** The literal text of a value, or undefined when it has a hole. */
export function literal(s: Str): string | undefined {
  if (s.length === 0) return '';
  if (s.length === 1 && typeof s[0] === 'string') return s[0];
  return undefined;
}

export function hasParam(s: Str): boolean {
  return s.some((p) => typeof p !== 'string' && p.param === true);
}

/** A stable key for maps: literal parts as JSON strings, holes as `<id>`, joined by `+`. */
export function keyOf(s: Str): string {
  // One literal or one hole, the most common values: no cache (the collector builds most values fresh).
  if (s.length === 1) return partKey(s[0]);
  let key = KEYS.get(s);
  if (key === undefined) {
    key = s.map(partKey).join('+');
    KEYS.set(s, key);
  }
  return key;
}

function partKey(p: Part): string {
  return typeof p === 'string' ? JSON.stringify(p) : `<${p.id}>`;
}

/** Values are immutable arrays: the keys of values of several parts are computed once. */
const KEYS = new WeakMap<Str, string>();

/** Human-readable text: holes as `<id>`. */
export function show(s: Str): string {
  return s.map((p) => (typeof p === 'string' ? p : `<${p.id}>`)).join('');
}

function literalPrefix(s: Str): string {
  return typeof s[0] === 'string' ? s[0] : '';
}

function literalSuffix(s: Str): string {
  const last = s[s.length - 1];
  return s.length > 0 && typeof last === 'string' ? last : '';
}

function sameShapeVerdict(a: Str, b: Str): Tri | 'different-shape' {
  if (a.length !== b.length) return 'different-shape';
  let distinct = false;
  let unknown = false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (typeof x === 'string' || typeof y === 'string') {
      if (typeof x === 'string' && typeof y === 'string') {
        if (x !== y) return 'different-shape';
        continue;
      }
      return 'different-shape';
    }
    if (x.id === y.id) continue;
    if (x.kind !== undefined && x.kind === y.kind) distinct = true;
    else unknown = true;
  }
  if (distinct) return false;
  return unknown ? undefined : true;
}

/** Exact equality of two symbolic strings. */
export function strEquals(a: Str, b: Str, ignoreCase = false): Tri {
  const la = literal(a);
  const lb = literal(b);
  if (la !== undefined && lb !== undefined) return ignoreCase ? la.toLowerCase() === lb.toLowerCase() : la === lb;
  const shape = sameShapeVerdict(a, b);
  if (shape !== 'different-shape') {
    if (shape === false || shape === true) return shape;
  }
  // Literal prefixes and suffixes must agree as far as both go.
  const norm = (x: string) => (ignoreCase ? x.toLowerCase() : x);
  const pa = norm(literalPrefix(a));
  const pb = norm(literalPrefix(b));
  if (!(pa.startsWith(pb) || pb.startsWith(pa))) return false;
  const sa = norm(literalSuffix(a));
  const sb = norm(literalSuffix(b));
  if (!(sa.endsWith(sb) || sb.endsWith(sa))) return false;
  return undefined;
}

type Token = { readonly t: 'star' } | { readonly t: 'one' } | { readonly t: 'ch'; readonly c: string } | { readonly t: 'sentinel' };
const STAR: Token = { t: 'star' };
const ONE: Token = { t: 'one' };
const SENTINEL: Token = { t: 'sentinel' };

/** Tokens of a glob pattern: `*` and `?` are wildcards in literal parts; holes become `holeAs`. */
function patternTokens(s: Str, holeAs: Token, ignoreCase: boolean): Token[] {
  const out: Token[] = [];
  for (const p of s) {
    if (typeof p !== 'string') {
      out.push(holeAs);
      continue;
    }
    for (const ch of p) {
      if (ch === '*') out.push(STAR);
      else if (ch === '?') out.push(ONE);
      else out.push({ t: 'ch', c: ignoreCase ? ch.toLowerCase() : ch });
    }
  }
  return out;
}

/** Tokens of a value: literal characters only; holes become `holeAs`. */
function valueTokens(s: Str, holeAs: Token, ignoreCase: boolean): Token[] {
  const out: Token[] = [];
  for (const p of s) {
    if (typeof p !== 'string') {
      out.push(holeAs);
      continue;
    }
    for (const ch of p) out.push({ t: 'ch', c: ignoreCase ? ch.toLowerCase() : ch });
  }
  return out;
}

/**
 * Whether two token sequences (each with `*`, `?` wildcards) can produce a common string. A sentinel is a
 * hole on the value side that only a `*` of the pattern can absorb.
 */
function intersects(a: Token[], b: Token[]): boolean {
  const n = a.length;
  const m = b.length;
  const memo = new Map<number, boolean>();
  const f = (i: number, j: number): boolean => {
    const key = i * (m + 1) + j;
    const cached = memo.get(key);
    if (cached !== undefined) return cached;
    let r = false;
    if (i === n && j === m) {
      r = true;
    } else if (i < n && a[i].t === 'star') {
      r = f(i + 1, j) || (j < m && f(i, j + 1));
    } else if (j < m && b[j].t === 'star') {
      r = f(i, j + 1) || (i < n && f(i + 1, j));
    } else if (i < n && j < m) {
      const x = a[i];
      const y = b[j];
      let ok: boolean;
      if (x.t === 'sentinel' || y.t === 'sentinel') ok = false;
      else if (x.t === 'one' || y.t === 'one') ok = true;
      else ok = (x as { c: string }).c === (y as { c: string }).c;
      r = ok && f(i + 1, j + 1);
    }
    memo.set(key, r);
    return r;
  };
  return f(0, 0);
}

function hasWildcard(s: Str): boolean {
  return s.some((p) => typeof p === 'string' && (p.includes('*') || p.includes('?')));
}

/**
 * Whether `value` matches the glob `pattern` (`*`, `?`), as IAM's `StringLike` / `ArnLike` and the
 * `Action` / `Resource` elements match.
 */
export function globMatch(pattern: Str, value: Str, ignoreCase = false): Tri {
  const lp = literal(pattern);
  if (lp === '*') return true;
  if (!hasWildcard(pattern)) return strEquals(pattern, value, ignoreCase);
  const lv = literal(value);
  const patternHasHole = lp === undefined;
  if (!patternHasHole && lv !== undefined) {
    return intersects(patternTokens(pattern, STAR, ignoreCase), valueTokens(value, STAR, ignoreCase));
  }
  // Certain: the pattern matches whatever the holes of the value are (each hole absorbed by a `*`).
  if (!patternHasHole && intersects(patternTokens(pattern, STAR, ignoreCase), valueTokens(value, SENTINEL, ignoreCase))) return true;
  // Possible at all? Holes on either side can be anything.
  if (!intersects(patternTokens(pattern, STAR, ignoreCase), valueTokens(value, STAR, ignoreCase))) return false;
  return undefined;
}
