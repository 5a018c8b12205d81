import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { s2Tools } from '../../src/mcp/s2Tools';
import { toolInputJsonSchema } from '../../src/mcp/toolJsonSchema';

/**
 * package.json's languageModelTools declare the MCP server's tools, one for one: the same
 * descriptions for the model and the same input schemas the SDK sends in tools/list.
 */
const root = path.resolve(__dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  contributes: {
    languageModelTools?: {
      name: string;
      displayName: string;
      modelDescription: string;
      userDescription?: string;
      inputSchema?: unknown;
      toolReferenceName?: string;
    }[];
  };
};

describe('language-model tools vs the MCP tool table', () => {
  const declared = pkg.contributes.languageModelTools ?? [];

  it('declares every tool once, named s2_<tool>', () => {
    assert.deepEqual(
      declared.map((t) => t.name),
      s2Tools.map((t) => `s2_${t.name}`),
    );
  });

  it('gives the model the same description and input schema as the MCP server', () => {
    for (const t of s2Tools) {
      const d = declared.find((x) => x.name === `s2_${t.name}`)!;
      assert.equal(d.modelDescription, t.description, t.name);
      assert.deepEqual(d.inputSchema, toolInputJsonSchema(t), t.name);
    }
  });

  it('keeps the tool list small: under 2,500 tokens (characters / 4)', () => {
    const chars = JSON.stringify(
      s2Tools.map((t) => ({ name: t.name, description: t.description, inputSchema: toolInputJsonSchema(t) })),
    ).length;
    console.log(
      `      ${s2Tools.length} tools: ${chars} chars ≈ ${Math.round(chars / 4)} tokens (names, descriptions, schemas)`,
    );
    assert.ok(chars / 4 < 2500);
  });
});
