/**
 * Dependency cycles the manifest itself makes: phase N of a session comes after its phase
 * N-1 and after every phase it needs, so a cycle through needs can never be completed by
 * anyone — a deadlock written into the plan. Each cycle is returned as SESSION:PHASE nodes.
 */
import { buildGraph, cycles } from './graph';
import type { SwarmPlan } from './manifest';

export function planCycles(plan: SwarmPlan): string[][] {
  const nodes: string[] = [];
  const edges: [string, string][] = [];
  for (const s of plan.sessions)
    for (const p of s.phases) {
      const node = `${s.id}:${p.phase}`;
      nodes.push(node);
      if (p.phase > 1) edges.push([node, `${s.id}:${p.phase - 1}`]);
      for (const n of p.needs) edges.push([node, `${n.session}:${n.phase}`]);
    }
  return cycles(buildGraph(nodes, edges));
}
