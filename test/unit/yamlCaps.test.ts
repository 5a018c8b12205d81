import { strict as assert } from 'node:assert';
import { parseFrontMatter } from '../../src/core/frontMatter';
import { parseYaml } from '../../src/core/yamlText';
import { parseYamlRecord } from '../../src/git/recordCodec';

/** Issue #20 item 8: bytes and entries are capped before parsing; duplicate keys are still refused, with their line. */
describe('YAML caps and the linear duplicate-key check', () => {
  const map = (n: number): string => Array.from({ length: n }, (_, i) => `key${i}: ${i}`).join('\n') + '\n';

  it('refuses a duplicate key and names its line', () => {
    assert.throws(
      () => parseYaml('a: 1\nb:\n  c: 1\n  c: 2\n', 'x.yaml'),
      (e: Error) => /x\.yaml:4: .*unique \("c"\)/.test(e.message),
    );
  });

  it('accepts equal keys in different maps', () => {
    assert.deepEqual(parseYaml('a: { k: 1 }\nb: { k: 2 }\n', 'x.yaml').value, { a: { k: 1 }, b: { k: 2 } });
  });

  it('refuses a record over 256 KiB before parsing it', () => {
    assert.throws(() => parseYamlRecord(map(40_000), 'big.yaml'), /big\.yaml: \d+ bytes, more than the 262144/);
  });

  it('refuses a record with more entries than the cap before parsing it', () => {
    assert.throws(
      () => parseYamlRecord(`[${'1,'.repeat(6000)}1]\n`, 'flow.yaml'),
      /about \d+ entries, more than the 2000/,
    );
  });

  it('caps instruction front matter', () => {
    assert.throws(() => parseFrontMatter(`---\n${map(2000)}---\nbody\n`), /front matter: about \d+ entries/);
    assert.equal(parseFrontMatter('---\nid: x\n---\nbody\n').data['id'], 'x');
  });

  it('parses a large map of distinct keys under a raised cap (the check is one set per map)', () => {
    const v = parseYaml(map(20_000), 'm.yaml', { maxBytes: 1 << 20, maxEntries: 50_000 }).value as Record<
      string,
      number
    >;
    assert.equal(v['key19999'], 19999);
  });
});
