// Red team of #18, point 5: every channel of the IPC contract (iterated from CHANNELS, so a channel
// added later is covered without touching this file), through a real station's request handler and
// through the web shell's WebSocket. From each channel's zod schema: a valid request, then that
// request minus each required field, with an extra field (top level and in each nested object), with
// each field of the wrong JSON type, with each string field 60,000 characters long, with
// `__proto__` / `constructor` keys, and as a non-object. Each must be refused `bad_request` with a
// message that names the field and carries no stack trace, SQL or secret; none may reach a handler
// (the audit proves it for sign-in); Object.prototype stays clean.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebShell } from '../../../electron/main/web-shell/web-shell';
import {
  CHANNELS,
  requestSchemas,
  type AuditEntry,
  type Channel,
  type Result,
} from '../../../shared/ipc/contract';
import { DEMO_CHARGE } from '../../support/nurses';
import { resultProblem } from '../helpers/result-check';
import { report } from '../helpers/station-fixtures';
import { connectWs, type WsClient } from '../helpers/ws-client';
import {
  fieldsOf,
  getPath,
  makeStaticDir,
  startRedTeamShell,
  startRedTeamStation,
  UNSAFE_CHARS,
  unwrap,
  validRequest,
  withPath,
  wrongTypeFor,
  type RedTeamStation,
} from './red-team-support';

const EXTRA = 'redTeamExtra';
const HUGE = 60_000; // under the web shell's 64 KiB frame with the rest of any request
/** a PIN sent inside refused requests: it must never come back in a message */
const PIN_PROBE = 'Zq93-Xv77';

interface Probe {
  channel: Channel;
  label: string;
  /** JSON text of the request (so `__proto__` stays an own key, as JSON.parse makes it) */
  json: string;
  /** the field the message must name ('' for a refusal of the whole request) */
  names: string;
}

function schemaOf(channel: Channel) {
  return requestSchemas[channel];
}

/** Every refused variant of one channel's request, derived from its schema. */
function probesFor(channel: Channel): Probe[] {
  const schema = schemaOf(channel);
  const valid = validRequest(channel, schema);
  const probes: Probe[] = [];
  const add = (label: string, request: unknown, names: string) =>
    probes.push({ channel, label, json: JSON.stringify(request), names });
  const fields = fieldsOf(schema).filter((f) => f.path.length === 1 || getPath(valid, f.path.slice(0, -1)));
  for (const f of fields) {
    const name = f.path.join('.');
    if (f.required) add(`missing ${name}`, withPath(valid, f.path, undefined), name);
    add(`wrong type ${name}`, withPath(valid, f.path, wrongTypeFor(f)), name);
    const base = (unwrap(f.schema) as unknown as { _zod: { def: { type: string } } })._zod.def.type;
    if (base === 'string' || base === 'enum')
      add(`huge ${name}`, withPath(valid, f.path, 'x'.repeat(HUGE)), name);
    if (base === 'object') add(`extra ${name}.${EXTRA}`, withPath(valid, [...f.path, EXTRA], 1), EXTRA);
  }
  add(`extra ${EXTRA}`, { ...(valid as object), [EXTRA]: 1 }, EXTRA);
  if (channel === 'session:sign-in' || channel === 'roster:save')
    add('extra field next to a PIN', { ...(valid as object), pin: PIN_PROBE, [EXTRA]: 1 }, EXTRA);
  // prototype pollution: own keys as JSON.parse makes them
  const body = JSON.stringify(valid).slice(1, -1);
  const comma = body === '' ? '' : ',';
  probes.push({
    channel,
    label: '__proto__ key',
    json: `{"__proto__":{"polluted":"yes","role":"charge"}${comma}${body}}`,
    names: '__proto__',
  });
  probes.push({
    channel,
    label: 'constructor.prototype key',
    json: `{"constructor":{"prototype":{"polluted":"yes"}}${comma}${body}}`,
    names: 'constructor',
  });
  for (const [label, json] of [
    ['a string', '"x"'],
    ['a number', '42'],
    ['an array', `[${JSON.stringify(valid)}]`],
    ['true', 'true'],
  ] as const)
    probes.push({ channel, label: `request is ${label}`, json, names: '' });
  return probes;
}

const PROBES = CHANNELS.flatMap(probesFor);
const UNKNOWN_CHANNELS: unknown[] = [
  'nope:nothing',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'ALERTS:LIST',
  'alerts:list ',
  ' alerts:list',
  'alerts:*',
  'x'.repeat(10_000),
  '',
  null,
  42,
  ['alerts:list'],
  { channel: 'alerts:list' },
];

let station: RedTeamStation;
let shell: WebShell;
let ws: WsClient;
let removeStatic: () => void;

beforeAll(async () => {
  station = await startRedTeamStation({ beds: 2, warmupMs: 60_000 });
  const dir = makeStaticDir();
  removeStatic = dir.remove;
  // contract, not rate limits, is under test here: the shipped 50/s would answer most probes rate_limited
  shell = await startRedTeamShell(station.host, dir.staticDir, { rateLimitPerSecond: 1_000_000 });
  ws = await connectWs(shell.port);
}, 60_000);

afterAll(async () => {
  ws?.close();
  await shell?.close();
  await station?.close();
  removeStatic?.();
});

/** Why `r` is not a proper refusal of `probe`, or null. */
function refusalProblem(probe: Probe, r: Result<unknown>): string | null {
  const shape = resultProblem(r);
  if (shape) return shape;
  if (r.ok) return 'accepted';
  if (r.error.code !== 'bad_request') return `code ${r.error.code}: ${r.error.message}`;
  if (probe.names && !r.error.message.includes(probe.names))
    return `message does not name ${probe.names}: ${r.error.message}`;
  if (r.error.message.includes(PIN_PROBE)) return 'message echoes the PIN';
  if (r.error.message.includes('x'.repeat(100))) return 'message echoes the huge value';
  return null;
}

describe('Red team #18: every channel refuses malformed requests (real station)', () => {
  it('derives a valid request for every channel from its schema (the probes start from it)', async () => {
    for (const channel of CHANNELS) {
      const valid = validRequest(channel, schemaOf(channel));
      const parsed = schemaOf(channel).safeParse(valid);
      expect(
        parsed.success,
        `${channel}: add it to VALID_OVERRIDES (${JSON.stringify(parsed.error?.issues)})`,
      ).toBe(true);
      // sent anonymously, a valid request is never refused as bad input (actions answer unauthorized)
      const r = await station.as('rt-valid')(channel, valid);
      expect(resultProblem(r), channel).toBeNull();
      if (!r.ok)
        expect(
          ['unauthorized', 'not_found', 'unavailable', 'conflict'],
          `${channel}: ${r.error.message}`,
        ).toContain(r.error.code);
    }
  });

  it('refuses every missing, extra, wrong-typed, huge and prototype-polluting field, naming it', async () => {
    const failures: string[] = [];
    const perChannel: Record<string, number> = {};
    for (const probe of PROBES) {
      const r = await station.as('rt-direct')(probe.channel, JSON.parse(probe.json));
      const problem = refusalProblem(probe, r);
      if (problem) failures.push(`${probe.channel} / ${probe.label}: ${problem}`);
      perChannel[probe.channel] = (perChannel[probe.channel] ?? 0) + 1;
    }
    expect(failures).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('role');
    report('red team #18 ipc probes (direct)', {
      channels: CHANNELS.length,
      probes: PROBES.length,
      perChannelMin: Math.min(...Object.values(perChannel)),
      perChannelMax: Math.max(...Object.values(perChannel)),
    });
  });

  it('answers unknown channels unknown_channel with a short message', async () => {
    for (const channel of UNKNOWN_CHANNELS) {
      const r = await station.as('rt-direct')(channel, {});
      expect(resultProblem(r), String(channel).slice(0, 40)).toBeNull();
      expect(r).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
      if (!r.ok) expect(r.error.message.length).toBeLessThanOrEqual(80);
    }
  });
});

describe('Red team #18: the same through the web shell WebSocket', () => {
  it('refuses every probe the same way over the wire, and keeps the connection', async () => {
    const failures: string[] = [];
    for (const probe of PROBES) {
      const r = await ws.call(probe.channel, JSON.parse(probe.json));
      const problem = refusalProblem(probe, r);
      if (problem) failures.push(`${probe.channel} / ${probe.label}: ${problem}`);
    }
    for (const channel of UNKNOWN_CHANNELS) {
      const r = await ws.call(channel as string, {});
      if (r.ok || r.error.code !== 'unknown_channel')
        failures.push(`unknown ${String(channel).slice(0, 20)}: ${JSON.stringify(r)}`);
    }
    expect(failures).toEqual([]);
    expect((await ws.call('station:info', {})).ok).toBe(true);
    report('red team #18 ipc probes (websocket)', { probes: PROBES.length + UNKNOWN_CHANNELS.length });
  }, 30_000);

  it('no refused sign-in reached the session gate: the audit holds only the one valid attempt', async () => {
    await station.signIn('rt-charge', DEMO_CHARGE);
    const audit = await station.as('rt-charge')<AuditEntry[]>('audit:list', { kind: 'access', limit: 5000 });
    expect(audit.ok).toBe(true);
    if (!audit.ok) return;
    const refused = audit.value.filter((e) => e.action === 'sign-in-refused');
    // the valid sample of session:sign-in (unknown identifier P001, so not recorded: it may be a PIN
    // typed into the wrong field), sent once; none of the probes
    expect(refused.map((e) => [e.nurseId, e.subject, e.detail])).toEqual([
      [null, 'rt-valid', 'unknown identifier (4 characters)'],
    ]);
    expect(JSON.stringify(audit.value)).not.toContain(PIN_PROBE);
  });
});

describe('Red team #18: refusals that echo what the attacker typed', () => {
  // FAILS (bug, reported): dispatch.ts describeIssues() passes zod's "Unrecognized key" message on
  // unbounded and unescaped, so the attacker's key name comes back whole (20,000 characters here,
  // any size over Electron IPC) and with raw bidi/control characters; the unknown-channel message
  // echoes the channel's first 40 characters raw. Every other message is bounded (resultProblem).
  it('bounds and escapes a field or channel name the attacker chose', async () => {
    const problems: string[] = [];
    const cases: [string, unknown, unknown][] = [
      ['20,000-character key', 'station:info', { ['k'.repeat(20_000)]: 1 }],
      [
        '300 extra keys',
        'alerts:stats',
        Object.fromEntries([['range', '1h'], ...Array.from({ length: 300 }, (_, i) => [`extra${i}`, 1])]),
      ],
      ['bidi key', 'station:info', { ['P\u202E1gnp.exe']: 1 }],
      ['NUL and newline key', 'station:info', { ['a\u0000b\nINFO forged']: 1 }],
      ['bidi channel', 'alerts:list\u202Eexe', {}],
      ['control channel', 'x\u0007\u001b[31mred', {}],
    ];
    for (const [label, channel, request] of cases) {
      const r = await station.as('rt-echo')(channel, request);
      if (r.ok) {
        problems.push(`${label}: accepted`);
        continue;
      }
      const shape = resultProblem(r);
      if (shape) problems.push(`${label}: ${shape} (${r.error.message.length} characters)`);
      if (UNSAFE_CHARS.test(r.error.message))
        problems.push(
          `${label}: raw control/bidi character in "${JSON.stringify(r.error.message).slice(0, 80)}"`,
        );
    }
    report('red team #18 echoed names', { cases: cases.length, problems });
    expect(problems).toEqual([]);
  });
});
