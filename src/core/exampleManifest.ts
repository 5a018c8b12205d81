/**
 * The commented example manifest that `s2 init --example` prints: a small swarm with phases,
 * cross-session needs, validation commands and timeouts. A test parses it, so it always
 * matches the schema; docs/MANIFEST.md is the full reference.
 */
export const EXAMPLE_MANIFEST = `# .s2/swarm.yaml — the swarm's plan, on the coordination branch (every key: docs/MANIFEST.md).
# Edit it, then: s2 init --manifest swarm.yaml   (fills in the public keys and commits it).
# An unknown key is an error (a typo must not switch a check off).
swarm: example

# Where the manifest and the instructions live. Default: the repository's default branch
# (main or master). Name another and the engine follows it from the default branch's manifest.
# coordinationBranch: main

policy:
  # required: a need counts only once another session verified it (s2 verify); advisory: once complete.
  crossSessionVerification: required

polling:
  intervalSeconds: 30        # the loop's tick
  heartbeatSeconds: 60       # the liveness lease is renewed this often
  maxAttempts: 3             # failed completions of a phase before it is in error (s2 reset-phase N)
  commandTimeoutSeconds: 600 # a validation command that runs longer fails

# Who may raise budgets (their public keys are filled in by s2 init).
approvers:
  owner:
    title: The person running the swarm

# Commands the integration gate (s2 integrate) runs on every verified completion merged together.
integrate: ["npm ci", "npm test"]

sessions:
  api:
    title: HTTP API
    expertise: [node, http]
    budgetUsd: 20            # the session's spending cap
    maxAgents: 4             # sub-agents at once
    phaseCount: 3            # phases 1..3 (default: the highest phase listed below, else 10)
    phases:
      1:
        title: Routes and handlers
        validate: ["npm test -- --grep api"]   # must all exit 0 for s2 complete-phase 1
      2:
        title: Error responses
        validate: ["npm test"]
        timeoutSeconds: 300  # overrides polling.commandTimeoutSeconds for this phase
  docs:
    title: Documentation
    expertise: [markdown]
    budgetUsd: 5
    phaseCount: 2
    phases:
      2:
        title: API reference
        needs: [api:2]       # starts only after api's phase 2 is complete and verified
        validate: ["test -f docs/API.md"]
`;
