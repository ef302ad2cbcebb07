import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { bodyIncomplete, bodyTimeout, bodyTooLarge } from '../../../common/errors/common.errors';
import { ByteProblem, CsvBytes } from './csv-bytes';

export interface SpoolLimits {
  maxBytes: number;
  maxLineBytes: number;
  idleMs: number;
  dir: string;
}

export interface Spooled {
  path: string;
  bytes: number;
  remove: () => Promise<void>;
}

/** The bytes themselves are wrong (not UTF-8, a line too long): the caller turns it into a 422. */
export class BadBytes extends Error {
  constructor(readonly problem: ByteProblem) {
    super(problem.message);
  }
}

// The client is cut off mid-body: close the connection rather than read the rest.
const CLOSE = { Connection: 'close' };

const tooLarge = (max: number) =>
  bodyTooLarge(`The file is larger than this service accepts (${max} bytes)`,
    [{ field: 'body', message: `must be at most ${max} bytes` }], CLOSE);

const idle = (ms: number) =>
  bodyTimeout(`No part of the file arrived for ${ms} ms; the upload was abandoned`,
    [{ field: 'body', message: 'stalled' }], CLOSE);

// Nobody may be left to read it, but a hang-up is the client's doing, never a 500 in the logs.
const incomplete = () =>
  bodyIncomplete('The request ended before the file did; nothing was written',
    [{ field: 'body', message: 'incomplete' }], CLOSE);

/**
 * Writes the request body to a private temporary file before any database work starts, so a
 * slow or stalled client holds a file handle, never a connection or a transaction. Checked
 * while it streams: the size, the gap between bytes, and the bytes themselves (CsvBytes).
 */
export async function spoolBody(body: Readable, limits: SpoolLimits, declaredBytes?: string): Promise<Spooled> {
  if (declaredBytes !== undefined && Number(declaredBytes) > limits.maxBytes) throw tooLarge(limits.maxBytes);
  await mkdir(limits.dir, { recursive: true });
  const path = join(limits.dir, `loan-import-${randomUUID()}.csv`);
  const remove = () => unlink(path).catch(() => undefined);
  const bytesCheck = new CsvBytes(limits.maxLineBytes);
  let bytes = 0;
  // Armed before the first byte: a client that sends headers and then nothing is cut off too.
  const timer = setTimeout(() => check.destroy(idle(limits.idleMs)), limits.idleMs);
  const check = new Transform({
    transform(chunk: Buffer, _enc, done) {
      timer.refresh();
      bytes += chunk.length;
      if (bytes > limits.maxBytes) return done(tooLarge(limits.maxBytes));
      const problem = bytesCheck.push(chunk);
      done(problem ? new BadBytes(problem) : null, chunk);
    },
    flush(done) {
      const problem = bytesCheck.end();
      done(problem ? new BadBytes(problem) : null);
    },
  });
  // Piped, not in the pipeline: on failure the pipeline would destroy the request (and its
  // socket), and the caller would never see the answer.
  const onError = () => check.destroy(incomplete());
  // A client that hangs up mid-file must not leave the spool waiting for the rest.
  const onClose = () => {
    if (!body.readableEnded) check.destroy(incomplete());
  };
  body.on('error', onError).on('close', onClose);
  body.pipe(check);
  try {
    await pipeline(check, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
    return { path, bytes, remove };
  } catch (err) {
    await remove();
    body.unpipe(check);
    // The file is refused for its content: read the rest (still under the idle timer) so the
    // client, which is still sending, gets the answer.
    if (err instanceof BadBytes) {
      const drained = finished(body.resume()).catch(() => undefined);
      await Promise.race([drained, delay(limits.idleMs, undefined, { ref: false })]);
    }
    throw err;
  } finally {
    clearTimeout(timer);
    body.off('error', onError).off('close', onClose);
  }
}
