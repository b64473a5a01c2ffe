// The names Electron's own type declarations (node_modules/electron/electron.d.ts) declare: what the
// 'electron' module exports, and for each class or interface its members, static members and event
// names. The strict fake of `electron` (tests/support/electron-fake.ts) rejects any other name,
// so a misspelt API or event fails a unit test, not only the typecheck (and an event name is not
// checked by tsc at all when a listener is registered through a loosely typed helper).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import ts from 'typescript';

export interface DeclaredType {
  name: string;
  members: ReadonlySet<string>;
  statics: ReadonlySet<string>;
  /** event names accepted by on/once/addListener/removeListener/off (own and inherited) */
  events: ReadonlySet<string>;
  /** extends Node's EventEmitter, directly or through a base */
  emitter: boolean;
  /** on() takes any string (ipcMain, ipcRenderer: channel names) */
  anyEvent: boolean;
}

export interface ElectronDeclarations {
  version: string;
  /** export name → the declared type it has (a value of it, or the class itself) */
  exports: ReadonlyMap<string, { kind: 'value' | 'class'; type: string }>;
  type(name: string): DeclaredType;
}

/** What Node's EventEmitter gives every emitter class. */
export const EVENT_EMITTER_METHODS: ReadonlySet<string> = new Set([
  'on',
  'once',
  'off',
  'addListener',
  'removeListener',
  'removeAllListeners',
  'prependListener',
  'prependOnceListener',
  'emit',
  'listeners',
  'rawListeners',
  'listenerCount',
  'eventNames',
  'setMaxListeners',
  'getMaxListeners',
]);
const LISTENER_METHODS = new Set(['on', 'once', 'off', 'addListener', 'removeListener']);

interface RawType {
  members: Set<string>;
  statics: Set<string>;
  events: Set<string>;
  anyEvent: boolean;
  bases: string[];
}

let cached: ElectronDeclarations | null = null;

export function electronDeclarations(): ElectronDeclarations {
  cached ??= parse();
  return cached;
}

function parse(): ElectronDeclarations {
  const require = createRequire(import.meta.url);
  const dtsPath = require.resolve('electron/electron.d.ts');
  const version = (require('electron/package.json') as { version: string }).version;
  const source = ts.createSourceFile(dtsPath, readFileSync(dtsPath, 'utf8'), ts.ScriptTarget.Latest);
  const raw = new Map<string, RawType>();
  const exports = new Map<string, { kind: 'value' | 'class'; type: string }>();

  const nameOf = (n: ts.PropertyName | undefined): string | null =>
    n && (ts.isIdentifier(n) || ts.isStringLiteral(n)) ? n.text : null;
  const lastName = (e: ts.Expression | ts.EntityName): string =>
    ts.isIdentifier(e)
      ? e.text
      : ts.isPropertyAccessExpression(e)
        ? e.name.text
        : ts.isQualifiedName(e)
          ? e.right.text
          : '';

  function collect(decl: ts.ClassDeclaration | ts.InterfaceDeclaration): void {
    const name = decl.name?.text;
    if (!name) return;
    const t = raw.get(name) ?? {
      members: new Set(),
      statics: new Set(),
      events: new Set(),
      anyEvent: false,
      bases: [],
    };
    raw.set(name, t);
    for (const clause of decl.heritageClauses ?? []) {
      if (clause.token !== ts.SyntaxKind.ExtendsKeyword) continue;
      for (const h of clause.types) t.bases.push(lastName(h.expression));
    }
    for (const m of decl.members) {
      const member = nameOf(m.name);
      if (member === null) continue;
      const isStatic =
        ts.canHaveModifiers(m) &&
        (ts.getModifiers(m) ?? []).some((x) => x.kind === ts.SyntaxKind.StaticKeyword);
      (isStatic ? t.statics : t.members).add(member);
      if (
        !isStatic &&
        LISTENER_METHODS.has(member) &&
        (ts.isMethodSignature(m) || ts.isMethodDeclaration(m))
      ) {
        const first = m.parameters[0]?.type;
        if (first && ts.isLiteralTypeNode(first) && ts.isStringLiteral(first.literal))
          t.events.add(first.literal.text);
        else if (first?.kind === ts.SyntaxKind.StringKeyword) t.anyEvent = true;
      }
    }
  }

  function walkElectron(body: ts.ModuleBlock): void {
    for (const s of body.statements) {
      if (ts.isClassDeclaration(s) || ts.isInterfaceDeclaration(s)) collect(s);
      if (
        ts.isModuleDeclaration(s) &&
        s.name.text === 'CrossProcessExports' &&
        s.body &&
        ts.isModuleBlock(s.body)
      ) {
        for (const e of s.body.statements) {
          if (ts.isVariableStatement(e)) {
            for (const d of e.declarationList.declarations) {
              if (!ts.isIdentifier(d.name) || !d.type) continue;
              if (ts.isTypeReferenceNode(d.type))
                exports.set(d.name.text, { kind: 'value', type: lastName(d.type.typeName) });
              else if (ts.isTypeQueryNode(d.type))
                exports.set(d.name.text, { kind: 'class', type: lastName(d.type.exprName) });
            }
          } else if (ts.isClassDeclaration(e) && e.name) {
            const base = e.heritageClauses?.[0]?.types[0];
            exports.set(e.name.text, { kind: 'class', type: base ? lastName(base.expression) : e.name.text });
          }
        }
      }
    }
  }

  for (const s of source.statements) {
    if (ts.isModuleDeclaration(s) && s.name.text === 'Electron' && s.body && ts.isModuleBlock(s.body))
      walkElectron(s.body);
  }

  const resolved = new Map<string, DeclaredType>();
  function resolve(name: string, seen: Set<string> = new Set()): DeclaredType {
    const done = resolved.get(name);
    if (done) return done;
    const t = raw.get(name);
    if (!t) throw new Error(`electron.d.ts (Electron ${version}) declares no type '${name}'`);
    const members = new Set(t.members);
    const statics = new Set(t.statics);
    const events = new Set(t.events);
    let emitter = false;
    let anyEvent = t.anyEvent;
    for (const base of t.bases) {
      if (base === 'NodeEventEmitter' || base === 'EventEmitter') {
        emitter = true;
        continue;
      }
      if (!raw.has(base) || seen.has(base)) continue;
      const b = resolve(base, new Set([...seen, name]));
      for (const m of b.members) members.add(m);
      for (const m of b.statics) statics.add(m);
      for (const e of b.events) events.add(e);
      emitter ||= b.emitter;
      anyEvent ||= b.anyEvent;
    }
    if (emitter) for (const m of EVENT_EMITTER_METHODS) members.add(m);
    const out: DeclaredType = { name, members, statics, events, emitter, anyEvent };
    resolved.set(name, out);
    return out;
  }

  return { version, exports, type: (name) => resolve(name) };
}
