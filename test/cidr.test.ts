/**
 * CIDR arithmetic: unit tests for parsing, validation messages, canonical text and the private-range
 * test, and property-based tests (fast-check) for mergeCidrs, checked against independent oracles:
 * a bitmap of every address of a small universe, and range arithmetic plus random sampling in the whole
 * address space.
 */
import * as fc from 'fast-check';
import { cidrProblem, formatCidr, isAnyAddress, isPrivateCidr, mergeCidrs, parseCidr } from '../src/private/cidr';

// ---------------------------------------------------------------------------------------------------
// Independent helpers (no use of the module under test)

/** IPv4 text of a 32-bit value. */
function v4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 255n)).join('.');
}
/** Uncompressed IPv6 text (8 groups, no `::`) of a 128-bit value. */
function v6(value: bigint): string {
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((value >> BigInt(i * 16)) & 0xffffn).toString(16));
  return groups.join(':');
}
interface Block { version: 4 | 6; start: bigint; end: bigint; prefix: number }
function block(version: 4 | 6, start: bigint, prefix: number): Block {
  const bits = version === 4 ? 32 : 128;
  const size = 1n << BigInt(bits - prefix);
  return { version, start, end: start + size - 1n, prefix };
}
function text(b: Block): string {
  return `${b.version === 4 ? v4(b.start) : v6(b.start)}/${b.prefix}`;
}
/** Aligned block of `prefix` bits containing `address`. */
function alignedBlock(version: 4 | 6, address: bigint, prefix: number): Block {
  const bits = version === 4 ? 32 : 128;
  const mask = ((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - prefix)) - 1n);
  return block(version, address & mask, prefix);
}
/** Is [start, end] covered by the union of `blocks`? A walk, not a merge: independent of mergeCidrs. */
function covered(blocks: Block[], version: 4 | 6, start: bigint, end: bigint): boolean {
  let cur = start;
  for (;;) {
    const hit = blocks.filter((b) => b.version === version && b.start <= cur && cur <= b.end);
    if (hit.length === 0) return false;
    const reach = hit.reduce((m, b) => (b.end > m ? b.end : m), cur);
    if (reach >= end) return true;
    cur = reach + 1n;
  }
}
function inAny(blocks: Block[], version: 4 | 6, address: bigint): boolean {
  return blocks.some((b) => b.version === version && b.start <= address && address <= b.end);
}

// ---------------------------------------------------------------------------------------------------
// Arbitraries

const V4_BASE = 0x0a000000n; // 10.0.0.0, universe 10.0.0.0/20 (4096 addresses)
const V6_BASE = 0x20010db8000000000000000000000000n; // 2001:db8::, universe 2001:db8::/116 (4096 addresses)
const SMALL = 4096;

/**
 * A block inside the small universe: overlaps and adjacency are frequent, and half of the blocks are
 * tiny ones in the first 64 addresses, so that one-address gaps and single-address blocks occur too.
 */
const smallBlock = (version: 4 | 6) => fc.oneof(
  fc.record({
    prefix: fc.integer({ min: version === 4 ? 20 : 116, max: version === 4 ? 32 : 128 }),
    offset: fc.integer({ min: 0, max: SMALL - 1 }),
  }),
  fc.record({
    prefix: fc.integer({ min: version === 4 ? 29 : 125, max: version === 4 ? 32 : 128 }),
    offset: fc.integer({ min: 0, max: 63 }),
  }),
).map(({ prefix, offset }) => alignedBlock(version, (version === 4 ? V4_BASE : V6_BASE) + BigInt(offset), prefix));

/** A block anywhere in the address space, prefix biased to be long enough for mixed sizes. */
const anyBlock = fc.oneof(
  fc.record({ a: fc.bigInt({ min: 0n, max: (1n << 32n) - 1n }), p: fc.integer({ min: 0, max: 32 }) })
    .map(({ a, p }) => alignedBlock(4, a, p)),
  fc.record({ a: fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), p: fc.integer({ min: 0, max: 128 }) })
    .map(({ a, p }) => alignedBlock(6, a, p)),
  // clustered blocks in a /8 and a /32, so that the large-space runs also merge
  fc.record({ a: fc.bigInt({ min: 0n, max: (1n << 24n) - 1n }), p: fc.integer({ min: 8, max: 32 }) })
    .map(({ a, p }) => alignedBlock(4, V4_BASE + a, p)),
  fc.record({ a: fc.bigInt({ min: 0n, max: (1n << 96n) - 1n }), p: fc.integer({ min: 32, max: 128 }) })
    .map(({ a, p }) => alignedBlock(6, V6_BASE + a, p)),
);

const RUNS = { numRuns: 300 };

// ---------------------------------------------------------------------------------------------------

describe('cidrProblem', () => {
  test.each([
    ['10.0.0.0/8', undefined],
    ['203.0.113.0/24', undefined],
    ['2001:db8::/32', undefined],
    ['::/0', undefined],
    ['0.0.0.0/0', undefined],
    ['10.0.0.0', 'is not in CIDR notation'],
    ['10.0.0.0/', 'is not in CIDR notation'],
    ['10.0.0.0/8/8', 'is not in CIDR notation'],
    ['300.0.0.0/8', 'has an invalid IPv4 address "300.0.0.0"'],
    ['010.0.0.0/8', 'has an invalid IPv4 address "010.0.0.0"'],
    ['10.0.0/8', 'has an invalid IPv4 address "10.0.0"'],
    ['2001:db8::1::/64', 'has an invalid IPv6 address "2001:db8::1::"'],
    ['1:2:3:4:5:6:7:8:9/64', 'has an invalid IPv6 address'],
    ['1:2:3:4:5:6:7::8/64', 'has an invalid IPv6 address'], // `::` must stand for at least one group
    ['10.0.0.0/33', 'has a prefix /33 longer than 32 bits'],
    ['2001:db8::/129', 'has a prefix /129 longer than 128 bits'],
    ['10.0.0.1/24', 'has host bits set; the network address is 10.0.0.0/24'],
    ['2001:db8::1/64', 'has host bits set; the network address is 2001:db8::/64'],
  ])('%s', (cidr, expected) => {
    const problem = cidrProblem(cidr);
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toContain(expected);
  });

  test('parseCidr throws the same problem', () => {
    expect(() => parseCidr('10.0.0.1/24')).toThrow('"10.0.0.1/24" has host bits set');
  });
});

describe('canonical text (formatCidr, RFC 5952 for IPv6)', () => {
  test.each([
    ['2001:0db8:0000:0000:0000:0000:0000:0000/32', '2001:db8::/32'],
    ['2001:DB8::/32', '2001:db8::/32'],
    ['2001:db8:0:0:1:0:0:1/128', '2001:db8::1:0:0:1/128'], // tie: the first run is compressed
    ['2001:db8:0:0:0:1:0:0/128', '2001:db8::1:0:0/128'], // the longest run wins
    ['2001:db8:0:1:1:1:1:1/128', '2001:db8:0:1:1:1:1:1/128'], // a single zero group is not compressed
    ['::1/128', '::1/128'],
    ['1::/16', '1::/16'],
    ['::/0', '::/0'],
    ['fd00::/8', 'fd00::/8'],
    ['10.1.2.0/24', '10.1.2.0/24'],
  ])('%s -> %s', (input, canonical) => {
    expect(formatCidr(parseCidr(input))).toBe(canonical);
  });

  test('canonical text parses back to the same block', () => {
    fc.assert(fc.property(anyBlock, (b) => {
      const c = parseCidr(text(b));
      expect([c.version, c.start, c.end, c.prefix]).toEqual([b.version, b.start, b.end, b.prefix]);
      const again = parseCidr(formatCidr(c));
      expect([again.start, again.end, again.prefix]).toEqual([b.start, b.end, b.prefix]);
    }), RUNS);
  });
});

describe('isAnyAddress, isPrivateCidr', () => {
  test.each([
    ['0.0.0.0/0', true], ['::/0', true], ['0:0:0:0:0:0:0:0/0', true],
    ['0.0.0.0/1', false], ['10.0.0.0/8', false], ['::/1', false], ['not a cidr', false],
  ])('isAnyAddress(%s) = %s', (cidr, expected) => {
    expect(isAnyAddress(cidr)).toBe(expected);
  });

  test.each([
    ['10.0.0.0/8', true], ['10.255.255.255/32', true], ['172.16.0.0/12', true], ['172.31.255.0/24', true],
    ['192.168.0.0/16', true], ['100.64.0.0/10', true], ['fc00::/7', true], ['fd12:3456::/32', true],
    ['172.32.0.0/16', false], ['172.0.0.0/8', false], // the /8 reaches beyond 172.16.0.0/12
    ['11.0.0.0/8', false], ['100.128.0.0/10', false], ['192.169.0.0/16', false], ['203.0.113.0/24', false],
    ['0.0.0.0/0', false], ['::/0', false], ['fe00::/7', false], ['2001:db8::/32', false],
  ])('isPrivateCidr(%s) = %s', (cidr, expected) => {
    expect(isPrivateCidr(cidr)).toBe(expected);
  });
});

describe('mergeCidrs: examples', () => {
  test.each<[string, string[], string[]]>([
    ['empty', [], []],
    ['adjacent halves become the whole', ['10.0.0.128/25', '10.0.0.0/25'], ['10.0.0.0/24']],
    ['a contained block disappears', ['10.0.5.0/24', '10.0.0.0/16'], ['10.0.0.0/16']],
    ['duplicates disappear', ['10.0.0.0/24', '10.0.0.0/24'], ['10.0.0.0/24']],
    ['adjacent but not aligned: no /23 would be exact', ['10.0.1.0/24', '10.0.2.0/24'], ['10.0.1.0/24', '10.0.2.0/24']],
    ['three quarters stay two blocks', ['10.0.0.0/26', '10.0.0.64/26', '10.0.0.128/26'], ['10.0.0.0/25', '10.0.0.128/26']],
    ['four quarters', ['10.0.0.192/26', '10.0.0.0/26', '10.0.0.64/26', '10.0.0.128/26'], ['10.0.0.0/24']],
    ['families stay apart, IPv4 first', ['fd00::/9', '10.0.0.0/9', 'fd80::/9', '10.128.0.0/9'], ['10.0.0.0/8', 'fd00::/8']],
    ['canonical output', ['2001:0DB8:0:0:0:0:0:0/33', '2001:db8:8000::/33'], ['2001:db8::/32']],
    ['gaps are never filled', ['10.0.0.0/24', '10.0.2.0/24'], ['10.0.0.0/24', '10.0.2.0/24']],
    ['a one-address gap is never filled', ['10.0.0.0/32', '10.0.0.2/31'], ['10.0.0.0/32', '10.0.0.2/31']],
    ['the whole space', ['0.0.0.0/1', '128.0.0.0/1'], ['0.0.0.0/0']],
    ['top of the space', ['255.255.255.254/32', '255.255.255.255/32'], ['255.255.255.254/31']],
  ])('%s', (_name, input, expected) => {
    expect(mergeCidrs(input)).toEqual(expected);
  });

  test('a malformed block is an error, not silently dropped', () => {
    expect(() => mergeCidrs(['10.0.0.0/24', '10.0.0.1/24'])).toThrow('host bits set');
  });
});

describe('mergeCidrs: properties', () => {
  test('small universe: the merged set is exactly the input set, address by address', () => {
    fc.assert(fc.property(
      fc.constantFrom<4 | 6>(4, 6).chain((version) => fc.array(smallBlock(version), { minLength: 0, maxLength: 12 })
        .map((blocks) => ({ version, blocks }))),
      ({ version, blocks }) => {
        const base = version === 4 ? V4_BASE : V6_BASE;
        const bitmap = (bs: Block[]) => {
          const m = new Uint8Array(SMALL);
          for (const b of bs) for (let a = b.start; a <= b.end; a++) m[Number(a - base)] = 1;
          return m;
        };
        const merged = mergeCidrs(blocks.map(text)).map(parseCidr).map((c) => block(c.version, c.start, c.prefix));
        for (const b of merged) {
          expect(b.version).toBe(version);
          expect(b.start >= base && b.end < base + BigInt(SMALL)).toBe(true); // never reaches outside
        }
        const want = bitmap(blocks);
        expect(Buffer.from(bitmap(merged)).equals(Buffer.from(want))).toBe(true);
        // minimal: every block is maximal, i.e. its parent block is not wholly in the set
        for (const b of merged) {
          const parent = alignedBlock(version, b.start, b.prefix - 1);
          const inside = parent.start >= base && parent.end < base + BigInt(SMALL);
          let whole = inside;
          for (let a = parent.start; whole && a <= parent.end; a++) whole = want[Number(a - base)] === 1;
          expect(whole).toBe(false);
        }
      },
    ), RUNS);
  });

  test('whole address space: exact cover by range arithmetic, minimal, disjoint, sorted', () => {
    fc.assert(fc.property(fc.array(anyBlock, { minLength: 0, maxLength: 10 }), (blocks) => {
      const out = mergeCidrs(blocks.map(text));
      const merged = out.map(parseCidr).map((c) => block(c.version, c.start, c.prefix));
      // never more: every merged block lies in the union of the input
      for (const b of merged) expect(covered(blocks, b.version, b.start, b.end)).toBe(true);
      // never fewer: every input block lies in the union of the output
      for (const b of blocks) expect(covered(merged, b.version, b.start, b.end)).toBe(true);
      // same address count per family
      for (const v of [4, 6] as const) {
        const size = (bs: Block[]) => bs.filter((b) => b.version === v).reduce((n, b) => n + b.end - b.start + 1n, 0n);
        const unionSize = (() => { // count the input union by a sweep over sorted starts
          const sorted = blocks.filter((b) => b.version === v).sort((x, y) => (x.start < y.start ? -1 : x.start > y.start ? 1 : 0));
          let n = 0n; let reach = -1n;
          for (const b of sorted) {
            if (b.end <= reach) continue;
            n += b.end - (b.start > reach ? b.start : reach + 1n) + 1n;
            reach = b.end;
          }
          return n;
        })();
        expect(size(merged)).toBe(unionSize);
      }
      // minimal: no block's parent is wholly in the set (then the maximal blocks, and so the fewest, were used)
      for (const b of merged) {
        if (b.prefix === 0) continue;
        const parent = alignedBlock(b.version, b.start, b.prefix - 1);
        expect(covered(blocks, b.version, parent.start, parent.end)).toBe(false);
      }
      // canonical, IPv4 first, ascending, disjoint
      for (const t of out) expect(formatCidr(parseCidr(t))).toBe(t);
      for (let i = 1; i < merged.length; i++) {
        const [a, b] = [merged[i - 1], merged[i]];
        expect(a.version < b.version || (a.version === b.version && a.end < b.start)).toBe(true);
      }
    }), RUNS);
  });

  test('whole address space: sampled addresses are in the output exactly when they are in the input', () => {
    const sample = fc.oneof(
      fc.bigInt({ min: 0n, max: (1n << 32n) - 1n }).map((a) => ({ version: 4 as const, a })),
      fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }).map((a) => ({ version: 6 as const, a })),
    );
    fc.assert(fc.property(fc.array(anyBlock, { maxLength: 10 }), fc.array(sample, { minLength: 20, maxLength: 20 }), (blocks, samples) => {
      const merged = mergeCidrs(blocks.map(text)).map(parseCidr).map((c) => block(c.version, c.start, c.prefix));
      // also probe the edges of every block, where off-by-one errors live
      const edges = blocks.flatMap((b) => [b.start - 1n, b.start, b.end, b.end + 1n].map((a) => ({ version: b.version, a })));
      for (const { version, a } of [...samples, ...edges]) {
        expect(inAny(merged, version, a)).toBe(inAny(blocks, version, a));
      }
    }), RUNS);
  });

  test('idempotent and independent of input order', () => {
    const blocksAndShuffled = fc.array(anyBlock, { maxLength: 10 })
      .chain((bs) => fc.tuple(fc.constant(bs), fc.shuffledSubarray(bs, { minLength: bs.length })));
    fc.assert(fc.property(blocksAndShuffled,
      ([blocks, shuffled]) => {
        const once = mergeCidrs(blocks.map(text));
        expect(mergeCidrs(once)).toEqual(once);
        expect(mergeCidrs(shuffled.map(text))).toEqual(once);
      }), RUNS);
  });
});
