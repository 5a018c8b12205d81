import { strict as assert } from 'node:assert';
import { canonicalJson } from '../../src/core/canonicalJson';
import { appendToChain, firstChainBreak } from '../../src/core/hashChain';
import { generateKeyPair, signRecord, verifyRecord } from '../../src/core/signing';

describe('signing and hash chains', () => {
  const alice = generateKeyPair();
  const mallory = generateKeyPair();

  it('canonical JSON ignores key order and drops undefined', () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: [1, undefined], c: 'x' }, z: undefined }),
      '{"a":{"c":"x","d":[1,null]},"b":1}',
    );
    assert.equal(canonicalJson({ a: 1, b: 2 }), canonicalJson({ b: 2, a: 1 }));
  });

  it("a signature verifies with the signer's key only, and breaks on any edit", () => {
    const rec = signRecord({ kind: 'status', session: 'sip', phase: 4 }, 'sip', alice.privateKey);
    assert.ok(verifyRecord(rec, alice.publicKey));
    assert.ok(!verifyRecord(rec, mallory.publicKey));
    assert.ok(!verifyRecord({ ...rec, phase: 5 }, alice.publicKey));
    assert.ok(!verifyRecord({ kind: 'status' }, alice.publicKey), 'unsigned');
    assert.ok(!verifyRecord(rec, undefined), 'no key in the manifest');
    const reordered = JSON.parse(
      JSON.stringify({ phase: rec.phase, signature: rec.signature, session: rec.session, kind: rec.kind }),
    );
    assert.ok(verifyRecord(reordered, alice.publicKey), 'field order does not matter');
  });

  it('a chain reports the first removed, reordered or edited entry', () => {
    let chain: ReturnType<typeof appendToChain<{ usd: number }>>[] = [];
    for (let i = 0; i < 5; i++) chain = [...chain, appendToChain(chain, { usd: i })];
    assert.equal(firstChainBreak(chain), -1);
    assert.equal(firstChainBreak([chain[0]!, chain[2]!, chain[3]!]), 1, 'removed');
    assert.equal(firstChainBreak([chain[1]!, chain[0]!]), 0, 'reordered');
    assert.equal(firstChainBreak(chain.map((e, i) => (i === 3 ? { ...e, usd: 99 } : e))), 3, 'edited');
  });
});
