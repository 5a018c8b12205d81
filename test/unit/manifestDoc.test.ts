import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { EXAMPLE_MANIFEST } from '../../src/core/exampleManifest';
import { parseManifest } from '../../src/core/manifest';
import { renderManifestDoc, undocumentedKeys } from '../../src/core/manifestDoc';

/** docs/MANIFEST.md is generated from the zod schema; these fail when the two drift apart. */
describe('docs/MANIFEST.md', () => {
  it('explains every key of the manifest schema', () => {
    assert.deepEqual(undocumentedKeys(), [], 'add a meaning in src/core/manifestDoc.ts, then npm run docs:manifest');
  });

  it('is the rendering of the schema as committed (run npm run docs:manifest after a schema change)', () => {
    const file = path.join(__dirname, '..', '..', '..', 'docs', 'MANIFEST.md');
    assert.equal(readFileSync(file, 'utf8'), renderManifestDoc());
  });

  it('the example of s2 init --example is a valid manifest with phases, needs, validation and timeouts', () => {
    const plan = parseManifest(EXAMPLE_MANIFEST);
    const docs = plan.sessions.find((s) => s.id === 'docs')!;
    assert.deepEqual(docs.phases[1]!.needs, [{ session: 'api', phase: 2 }]);
    assert.equal(plan.sessions[0]!.phases[1]!.timeoutSeconds, 300);
    assert.ok(plan.sessions[0]!.phases[0]!.validate.length);
  });
});
