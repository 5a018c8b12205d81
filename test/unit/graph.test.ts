import { strict as assert } from 'node:assert';
import { buildGraph, cycles, deadlockedNodes, stronglyConnectedComponents } from '../../src/core/graph';

/** A small deterministic PRNG so failures reproduce from the printed seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomGraph(seed: number): Map<string, string[]> {
  const r = rng(seed);
  const n = 1 + Math.floor(r() * 7);
  const nodes = Array.from({ length: n }, (_, i) => `s${i}`);
  const edges: [string, string][] = [];
  const p = r() * 0.5;
  for (const a of nodes) for (const b of nodes) if (r() < p) edges.push([a, b]);
  return buildGraph(nodes, edges);
}

/** Brute force: two nodes are in one component iff each reaches the other. */
function reach(g: Map<string, string[]>, from: string): Set<string> {
  const seen = new Set<string>();
  const todo = [from];
  while (todo.length) {
    const n = todo.pop()!;
    for (const m of g.get(n) ?? []) {
      if (!seen.has(m)) {
        seen.add(m);
        todo.push(m);
      }
    }
  }
  return seen;
}

function bruteCycles(g: Map<string, string[]>): string[][] {
  const nodes = [...g.keys()].sort();
  const r = new Map(nodes.map((n) => [n, reach(g, n)]));
  const done = new Set<string>();
  const out: string[][] = [];
  for (const a of nodes) {
    if (done.has(a)) continue;
    const comp = nodes.filter((b) => b === a || (r.get(a)!.has(b) && r.get(b)!.has(a)));
    comp.forEach((x) => done.add(x));
    if (comp.length > 1 || r.get(a)!.has(a)) out.push(comp);
  }
  return out.sort((x, y) => (x[0]! < y[0]! ? -1 : 1));
}

describe('wait-for graph algorithms', () => {
  it('finds exactly the cycles a brute-force search finds, on 500 random graphs', () => {
    for (let seed = 1; seed <= 500; seed++) {
      const g = randomGraph(seed);
      assert.deepEqual(cycles(g), bruteCycles(g), `seed ${seed}: ${JSON.stringify([...g])}`);
    }
  });

  it('partitions every node into exactly one component', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const g = randomGraph(seed);
      const all = stronglyConnectedComponents(g).flat().sort();
      assert.deepEqual(all, [...g.keys()].sort(), `seed ${seed}`);
    }
  });

  it('counts as deadlocked the nodes on a cycle and those that wait on one', () => {
    const g = buildGraph(
      ['a', 'b', 'c', 'd', 'e'],
      [
        ['a', 'b'],
        ['b', 'a'],
        ['c', 'a'],
        ['d', 'e'],
      ],
    );
    assert.deepEqual([...deadlockedNodes(g)].sort(), ['a', 'b', 'c']);
  });

  it('handles a long chain without recursion limits', () => {
    const n = 20000;
    const nodes = Array.from({ length: n }, (_, i) => `n${i}`);
    const edges = nodes.slice(1).map((x, i) => [nodes[i]!, x] as [string, string]);
    edges.push([nodes[n - 1]!, nodes[0]!]);
    const c = cycles(buildGraph(nodes, edges));
    assert.equal(c.length, 1);
    assert.equal(c[0]!.length, n);
  });
});
