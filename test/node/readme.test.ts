// The public API is small and deliberate: every export, option, login option, event, logout
// reason and error code is in the README. Names are read from the sources with TypeScript's
// parser, so a new member without documentation fails here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = process.cwd();
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The names of an interface's members, or of a union type alias's string literals. */
function declared(file: string, name: string): string[] {
  const source = ts.createSourceFile(
    file,
    readFileSync(join(ROOT, file), 'utf8'),
    ts.ScriptTarget.Latest,
  );
  const names: string[] = [];
  source.forEachChild((node) => {
    if (ts.isInterfaceDeclaration(node) && node.name.text === name) {
      for (const member of node.members) {
        if (
          member.name !== undefined &&
          (ts.isIdentifier(member.name) || ts.isStringLiteral(member.name))
        ) {
          names.push(member.name.text);
        }
      }
    }
    if (
      ts.isTypeAliasDeclaration(node) &&
      node.name.text === name &&
      ts.isUnionTypeNode(node.type)
    ) {
      for (const type of node.type.types) {
        if (ts.isLiteralTypeNode(type) && ts.isStringLiteral(type.literal))
          names.push(type.literal.text);
      }
    }
  });
  if (names.length === 0) throw new Error(`${name} not found in ${file}`);
  return names;
}

/** The README's code: fenced blocks and inline code spans. */
const CODE = [...README.matchAll(/```[\s\S]*?```|`[^`\n]+`/g)].map((match) => match[0]).join('\n');

/** Names that appear nowhere in the README's code as a whole word. */
const undocumented = (names: readonly string[]): string[] =>
  names.filter((name) => !new RegExp(`(?<![\\w-])${name}(?![\\w-])`).test(CODE));

describe('README documents the public API', () => {
  it('names every export of every entry point', async () => {
    const entries = [
      'src/index.ts',
      'src/react/index.tsx',
      'src/vue/index.ts',
      'src/twurple/index.ts',
      'src/device/index.ts',
      'emulator/index.ts',
    ];
    const names = new Set<string>();
    for (const entry of entries) {
      for (const name of Object.keys((await import(join(ROOT, entry))) as object)) names.add(name);
    }
    expect(names.size).toBeGreaterThan(10);
    expect(undocumented([...names])).toEqual([]);
  });

  it('names every option, login option, logout option, event and logout reason', () => {
    expect(undocumented(declared('src/config/options.ts', 'TwitchAuthOptions'))).toEqual([]);
    expect(undocumented(declared('src/login/authorize.ts', 'AuthorizeOptions'))).toEqual([]);
    expect(undocumented(declared('src/twitch-auth.ts', 'LoginOptions'))).toEqual([]);
    expect(undocumented(declared('src/twitch-auth.ts', 'LogoutOptions'))).toEqual([]);
    expect(undocumented(declared('src/twitch-auth.ts', 'TwitchAuth'))).toEqual([]);
    expect(undocumented(declared('src/session/events.ts', 'TwitchAuthEvents'))).toEqual([]);
    expect(undocumented(declared('src/session/events.ts', 'LogoutReason'))).toEqual([]);
    expect(undocumented(declared('src/device/login.ts', 'DeviceLoginOptions'))).toEqual([]);
    expect(undocumented(declared('src/device/login.ts', 'DeviceLogin'))).toEqual([]);
    expect(undocumented(declared('src/config/endpoints.ts', 'TwitchEndpoints'))).toEqual([]);
  });

  it('names every error code', async () => {
    const { ERROR_CODES } = (await import(join(ROOT, 'src/internal/errors.ts'))) as {
      ERROR_CODES: readonly string[];
    };
    expect(ERROR_CODES.length).toBeGreaterThan(20);
    expect(undocumented(ERROR_CODES)).toEqual([]);
  });
});
