import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { parse } from 'csv-parse';
import { CliError, type ApiClient } from './api-client.ts';

/** The columns a quantities CSV may have; the first three are required. */
export const QUANTITY_COLUMNS = ['clients_id', 'products_id', 'quantity', 'effective_at', 'event_id', 'detail', 'note'] as const;
const REQUIRED = ['clients_id', 'products_id', 'quantity'];
/** What billing.quantities.import takes at once. */
export const MAX_BATCH = 10_000;

export interface ImportOptions {
  source?: string;
  batch: number;
}

interface Totals {
  received: number;
  inserted: number;
  duplicates: number;
}

interface PendingRow {
  line: number;
  row: Record<string, unknown>;
}

export interface RowProblem {
  line: number;
  field: string;
  message: string;
}

/** A row error the server reported, with the file lines it names and what was imported before it. */
export class ImportRowsError extends CliError {
  constructor(
    message: string,
    readonly problems: RowProblem[],
    readonly errorCount: number,
    readonly before: Totals & { line: number },
  ) {
    super(message);
  }
}

// Integers go as numbers; anything else is sent as written so the server says what is wrong with it.
const integerOrText = (value: string): number | string => (/^\d{1,15}$/.test(value) ? Number(value) : value);

function toRow(record: Record<string, string>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(record)) {
    if (value === '') continue;
    row[column] = column === 'clients_id' || column === 'products_id' ? integerOrText(value.trim()) : column === 'quantity' ? value.trim() : value;
  }
  return row;
}

/** A progress bar on standard error, drawn only when it is a terminal. */
function progressBar(totalBytes: number) {
  const tty = process.stderr.isTTY;
  let last = '';
  let drawnAt = 0;
  return {
    draw(bytes: number, rows: number) {
      if (!tty || Date.now() - drawnAt < 100) return;
      drawnAt = Date.now();
      const share = totalBytes > 0 ? Math.min(1, bytes / totalBytes) : 1;
      const width = 30;
      const filled = Math.round(share * width);
      const text = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor(share * 100)).padStart(3)}% ${rows} rows`;
      if (text === last) return;
      last = text;
      process.stderr.write(`\r${text}`);
    },
    clear() {
      if (tty && last) process.stderr.write(`\r${' '.repeat(last.length)}\r`);
      last = '';
    },
  };
}

/**
 * Sends a quantities CSV (RFC 4180, with a header) to billing.quantities.import in batches. Each
 * batch is all or nothing; a batch with a bad row stops the import with the file lines at fault,
 * and nothing of that batch is written (earlier batches are). Rows with an event_id can be sent
 * again safely: the server counts them as duplicates.
 */
export async function importQuantitiesFile(api: ApiClient, file: string, options: ImportOptions): Promise<Totals & { batches: number }> {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new CliError(`Cannot read ${file}`);
  }
  const totals: Totals = { received: 0, inserted: 0, duplicates: 0 };
  let batches = 0;
  const progress = progressBar(size);
  const parser = createReadStream(file).pipe(
    parse({
      bom: true,
      columns: (header: string[]) => {
        const names = header.map((name) => name.trim());
        const unknown = names.filter((name) => !(QUANTITY_COLUMNS as readonly string[]).includes(name));
        if (unknown.length) throw new CliError(`${basename(file)}: unknown column(s) ${unknown.join(', ')}; the header may name ${QUANTITY_COLUMNS.join(', ')}`);
        const missing = REQUIRED.filter((name) => !names.includes(name));
        if (missing.length) throw new CliError(`${basename(file)}: the header lacks ${missing.join(', ')}`);
        return names;
      },
      info: true,
      skip_empty_lines: true,
    }),
  );

  const send = async (pending: PendingRow[]) => {
    let answer: Totals;
    try {
      answer = await api.call('billing.quantities.import', { ...(options.source && { source: options.source }), rows: pending.map((entry) => entry.row) });
    } catch (error) {
      throw rowErrors(error, pending, file, { ...totals, line: pending[0].line });
    }
    totals.received += answer.received;
    totals.inserted += answer.inserted;
    totals.duplicates += answer.duplicates;
    batches++;
  };

  let pending: PendingRow[] = [];
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number; bytes: number } }>) {
      // info.lines is where the record ends; a quoted field may span lines.
      const spanned = Object.values(record).reduce((count, value) => count + (value.match(/\n/g)?.length ?? 0), 0);
      pending.push({ line: info.lines - spanned, row: toRow(record) });
      if (pending.length >= options.batch) {
        await send(pending);
        pending = [];
      }
      progress.draw(info.bytes, totals.received + pending.length);
    }
    if (pending.length) await send(pending);
  } catch (error) {
    progress.clear();
    if (error instanceof CliError) throw error;
    // A malformed record (csv-parse tells its line): what was read since the last batch is not sent.
    const line = pending[0]?.line ?? Number((error as { lines?: number }).lines ?? 0);
    throw new ImportRowsError(`${basename(file)}: ${error instanceof Error ? error.message : String(error)}`, [], 0, { ...totals, line });
  }
  progress.clear();
  return { ...totals, batches };
}

/** The server's answer to a bad batch, with its row indexes turned into file lines. */
function rowErrors(error: unknown, pending: PendingRow[], file: string, before: Totals & { line: number }): unknown {
  if (!(error instanceof CliError) || !error.data || typeof error.data !== 'object') return error;
  const data = error.data as { errors?: { row: number; field: string; message: string }[]; error_count?: number; issues?: { path: string; message: string }[] };
  const lineOf = (index: number) => pending[index]?.line ?? 0;
  let problems: RowProblem[] = [];
  if (Array.isArray(data.errors)) {
    problems = data.errors.map((problem) => ({ line: lineOf(problem.row), field: problem.field, message: problem.message }));
  } else if (Array.isArray(data.issues)) {
    for (const issue of data.issues) {
      const match = /^rows\.(\d+)(?:\.(.+))?$/.exec(issue.path);
      if (match) problems.push({ line: lineOf(Number(match[1])), field: match[2] ?? '', message: issue.message });
    }
  }
  if (!problems.length) return error;
  const count = data.error_count ?? problems.length;
  return new ImportRowsError(`${basename(file)}: ${count} row error(s) in the batch from line ${before.line}; nothing of that batch was written`, problems, count, before);
}

/** What the import command prints when a batch is refused (standard error). */
export function describeImportError(error: ImportRowsError): string {
  const lines = [error.message];
  for (const problem of error.problems) lines.push(`  line ${problem.line}: ${problem.field ? `${problem.field}: ` : ''}${problem.message}`);
  if (error.problems.length && error.errorCount > error.problems.length) lines.push(`  … and ${error.errorCount - error.problems.length} more`);
  const { received, inserted, duplicates, line } = error.before;
  lines.push(
    received
      ? `Before line ${line}: ${received} rows received, ${inserted} inserted, ${duplicates} duplicates. Rows with an event_id are safe to send again.`
      : 'Nothing was imported.',
  );
  return lines.join('\n') + '\n';
}
