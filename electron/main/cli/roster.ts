// `nurse-station roster`: how IT puts the first charge nurse into a ward's roster (and fixes a
// forgotten PIN when no charge nurse can sign in). The PIN is read from stdin — never from the
// command line, where `ps` and the shell history would keep it.
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import {
  NURSE_ROLES,
  newPinSchema,
  nurseIdSchema,
  rosterNameSchema,
  type NurseRole,
} from '../../../shared/ipc/contract';
import { createMysqlRoster } from '../adapters/mysql/mysql-roster';
import { createSqliteAuditLog } from '../adapters/sqlite/sqlite-audit-log';
import { createSqliteRoster } from '../adapters/sqlite/sqlite-roster';
import { parseDatabaseUrl } from '../config/settings-store';
import { hashPin } from '../core/pin-hash';
import type { AuditLog, RosterStore } from '../core/ports';
import { CliError, parseOrExplain, writeOut, type CliIo } from './cli-io';

export const ROSTER_HELP = `Usage: nurse-station roster list  (--sqlite FILE | --mysql URL)
       nurse-station roster set   (--sqlite FILE | --mysql URL) --id ID --name NAME [--role nurse|charge] [--inactive] [--keep-pin]

Reads or changes a ward's roster: who may sign in at the stations, and as what.
The PIN (or badge number) is read from stdin, one line: e.g.  read -rs PIN; printf '%s\\n' "$PIN" | nurse-station roster set …
Only its slow salted hash is stored. A PIN of blanks or of one character repeated is refused.
With --sqlite the change is written to that station's audit (Audit screen, access); the MySQL roster
dates it (updated_at), and every station audits the sessions it ends.

  --sqlite FILE   a station's own database (simulator mode): <data folder>/station.sqlite
  --mysql URL     the ward's MySQL, mysql://user@host:port/database (password from NURSE_STATION_MYSQL_PASSWORD)
  --id ID         the identifier the nurse types or her badge reader sends (letters, digits, _ . : -)
  --name NAME     the name the audit records
  --role ROLE     nurse (default) or charge: the charge nurse may change thresholds, the roster and settings
  --inactive      the member may no longer sign in (kept for the audit)
  --keep-pin      change name, role or active, keep the PIN (no stdin)
`;

async function readLine(stdin: NodeJS.ReadableStream): Promise<string> {
  let data = '';
  for await (const chunk of stdin) {
    data += String(chunk);
    if (data.includes('\n') || data.length > 4096) break;
  }
  return data.split(/\r?\n/)[0] ?? '';
}

/**
 * The roster, and the audit of the same file for --sqlite (the station's own audit, where the Audit
 * screen shows the change). The MySQL roster has no audit table of its own: the row's updated_at dates
 * the change, and each station audits the sessions it ends because of it.
 */
function openRoster(values: { sqlite?: string; mysql?: string }): {
  roster: RosterStore;
  audit: AuditLog | null;
  done: () => void;
} {
  if ((values.sqlite === undefined) === (values.mysql === undefined)) {
    throw new CliError('roster: give exactly one of --sqlite FILE or --mysql URL (see --help)');
  }
  if (values.sqlite !== undefined) {
    let db: Database.Database;
    try {
      db = new Database(values.sqlite, { fileMustExist: true });
    } catch (err) {
      throw new CliError(`roster: cannot open ${values.sqlite}: ${(err as Error).message}`);
    }
    return { roster: createSqliteRoster(db), audit: createSqliteAuditLog(db), done: () => db.close() };
  }
  let url: ReturnType<typeof parseDatabaseUrl>;
  try {
    url = parseDatabaseUrl(values.mysql ?? '', ['mysql']);
  } catch (err) {
    throw new CliError(`roster: --mysql: ${(err as Error).message}`);
  }
  if (url.password !== undefined) {
    throw new CliError('roster: put the MySQL password in NURSE_STATION_MYSQL_PASSWORD, not in the URL');
  }
  const roster = createMysqlRoster({
    host: url.host ?? '127.0.0.1',
    port: url.port ?? 3306,
    user: url.user ?? 'root',
    password: process.env.NURSE_STATION_MYSQL_PASSWORD ?? '',
    database: url.database ?? 'nurse_station',
  });
  return { roster, audit: null, done: () => undefined };
}

export async function rosterCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOrExplain('roster', () =>
    parseArgs({
      args,
      allowPositionals: true,
      options: {
        sqlite: { type: 'string' },
        mysql: { type: 'string' },
        id: { type: 'string' },
        name: { type: 'string' },
        role: { type: 'string' },
        inactive: { type: 'boolean' },
        'keep-pin': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help) {
    io.stdout.write(ROSTER_HELP);
    return 0;
  }
  const [verb, ...extra] = positionals;
  if ((verb !== 'list' && verb !== 'set') || extra.length > 0) {
    throw new CliError('roster: expected "list" or "set" (see --help)');
  }
  let member: { nurseId: string; name: string; role: NurseRole } | null = null;
  if (verb === 'set') {
    const id = nurseIdSchema.safeParse(values.id ?? '');
    if (!id.success) throw new CliError(`roster: --id: ${id.error.issues[0]?.message ?? 'invalid'}`);
    const name = (values.name ?? '').trim();
    if (!rosterNameSchema.safeParse(name).success) {
      throw new CliError(
        'roster: --name must be 1–80 characters without control, invisible or direction characters',
      );
    }
    const role = values.role ?? 'nurse';
    if (!(NURSE_ROLES as readonly string[]).includes(role)) {
      throw new CliError('roster: --role must be nurse or charge');
    }
    member = { nurseId: id.data, name, role: role as NurseRole };
  }
  const { roster, audit, done } = openRoster(values);
  try {
    if (!member) {
      const rows = await roster.list();
      for (const r of rows) {
        await writeOut(
          io.stdout,
          `${r.nurseId}\t${r.role}\t${r.active ? 'active' : 'inactive'}\t${r.name}\n`,
        );
      }
      return 0;
    }
    const before = await roster.find(member.nurseId);
    let pinHash: string;
    if (values['keep-pin']) {
      if (!before)
        throw new CliError(`roster: ${member.nurseId} is not in the roster yet: give a PIN on stdin`);
      pinHash = before.pinHash;
    } else {
      const pin = newPinSchema.safeParse(await readLine(io.stdin));
      if (!pin.success) {
        throw new CliError(`roster: the PIN on stdin: ${pin.error.issues[0]?.message ?? 'invalid'}`);
      }
      pinHash = await hashPin(pin.data);
    }
    const active = !values.inactive;
    const change = [
      before ? null : 'added',
      before && before.name !== member.name ? `name ${before.name} → ${member.name}` : null,
      before && before.role !== member.role ? `role ${before.role} → ${member.role}` : null,
      before && before.active !== active ? (active ? 'made active' : 'made inactive') : null,
      before && !values['keep-pin'] ? 'new PIN' : null,
    ].filter((x): x is string => x !== null);
    // recorded first, as the station does: a change the audit cannot hold is not made
    audit?.record({
      kind: 'access',
      at: io.now(),
      nurseId: null,
      nurse: 'IT (nurse-station roster set)',
      stationId: 'command line',
      action: 'roster-saved',
      subject: member.nurseId,
      detail: `${member.name} (${member.role}${active ? '' : ', inactive'}): ${change.join(', ') || 'unchanged'}`,
    });
    await roster.save({ ...member, active, pinHash, updatedAt: io.now() });
    io.stdout.write(
      `${before ? 'changed' : 'added'} ${member.nurseId} (${member.role}${values.inactive ? ', inactive' : ''})\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`roster: ${(err as Error).message}`, 1);
  } finally {
    await roster.close();
    done();
  }
}
