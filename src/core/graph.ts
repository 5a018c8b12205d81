/**
 * Directed-graph algorithms for the wait-for graph. Nodes are strings; every function is
 * deterministic (nodes and neighbours are visited in sorted order) so that two sessions
 * holding the same snapshot compute the same answer.
 */
export type Graph = ReadonlyMap<string, readonly string[]>;

export function buildGraph(nodes: Iterable<string>, edges: Iterable<readonly [string, string]>): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const n of nodes) g.set(n, []);
  for (const [a, b] of edges) {
    if (!g.has(a)) g.set(a, []);
    if (!g.has(b)) g.set(b, []);
    const out = g.get(a)!;
    if (!out.includes(b)) out.push(b);
  }
  for (const out of g.values()) out.sort();
  return g;
}

/** Strongly connected components (Tarjan, iterative). Components are sorted internally and among themselves. */
export function stronglyConnectedComponents(g: Graph): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const result: string[][] = [];
  const nodes = [...g.keys()].sort();
  for (const root of nodes) {
    if (idx.has(root)) continue;
    const work: { node: string; next: number }[] = [{ node: root, next: 0 }];
    idx.set(root, index);
    low.set(root, index++);
    stack.push(root);
    onStack.add(root);
    while (work.length) {
      const frame = work[work.length - 1]!;
      const out = g.get(frame.node) ?? [];
      if (frame.next < out.length) {
        const w = out[frame.next++]!;
        if (!idx.has(w)) {
          idx.set(w, index);
          low.set(w, index++);
          stack.push(w);
          onStack.add(w);
          work.push({ node: w, next: 0 });
        } else if (onStack.has(w)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, idx.get(w)!));
        }
      } else {
        work.pop();
        const parent = work[work.length - 1];
        if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
        if (low.get(frame.node) === idx.get(frame.node)) {
          const comp: string[] = [];
          let w: string;
          do {
            w = stack.pop()!;
            onStack.delete(w);
            comp.push(w);
          } while (w !== frame.node);
          result.push(comp.sort());
        }
      }
    }
  }
  return result.sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0));
}

/** Components that are cycles: more than one node, or one node with an edge to itself. */
export function cycles(g: Graph): string[][] {
  // A node without an edge out is on no cycle: the components are looked for among the others
  // (in a wait-for graph, the few sessions that wait), not built and sorted for every session.
  // The cycles found, and their order, are the same (components come out sorted).
  const waiting = new Map<string, readonly string[]>();
  for (const [n, outs] of g) if (outs.length) waiting.set(n, outs);
  return stronglyConnectedComponents(waiting).filter((c) => c.length > 1 || (g.get(c[0]!) ?? []).includes(c[0]!));
}

export function reverse(g: Graph): Map<string, string[]> {
  const edges: [string, string][] = [];
  for (const [a, outs] of g) for (const b of outs) edges.push([b, a]);
  return buildGraph(g.keys(), edges);
}

/** Every node reachable from `start` (not including start unless on a cycle through it). */
export function reachableFrom(g: Graph, start: string): Set<string> {
  const seen = new Set<string>();
  const todo = [...(g.get(start) ?? [])];
  while (todo.length) {
    const n = todo.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    for (const m of g.get(n) ?? []) if (!seen.has(m)) todo.push(m);
  }
  return seen;
}

/** Nodes that are on a cycle or can reach one: every such node waits forever. */
export function deadlockedNodes(g: Graph): Set<string> {
  const onCycle = new Set(cycles(g).flat());
  const rev = reverse(g);
  const out = new Set<string>(onCycle);
  for (const n of onCycle) for (const m of reachableFrom(rev, n)) out.add(m);
  return out;
}

export function withoutEdge(g: Graph, from: string, to: string): Map<string, string[]> {
  const copy = new Map<string, string[]>();
  for (const [a, outs] of g) copy.set(a, a === from ? outs.filter((b) => b !== to) : [...outs]);
  return copy;
}
