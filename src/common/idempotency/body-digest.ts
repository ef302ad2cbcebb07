import { createHash } from 'node:crypto';
import { pipeline, Readable, Transform } from 'node:stream';

export const isStream = (v: unknown): v is Readable => !!v && typeof (v as Readable).pipe === 'function';

export interface DigestingStream {
  /** The same bytes as the source, to hand on to whoever reads the body. */
  stream: Readable;
  /** sha-256 (hex) of every byte read, once the source has ended; rejects if it never does. */
  digest: Promise<string>;
}

/**
 * Hashes a streamed body while it is read, so a streamed request can be identified by its bytes
 * without buffering it: slot `stream` in wherever the body was going (a COPY, a spool file).
 * Errors and premature ends of the source reach `stream` as they would have reached the reader.
 */
export function digestWhileReading(source: Readable): DigestingStream {
  const hash = createHash('sha256');
  let resolve!: (hex: string) => void;
  let reject!: (err: Error) => void;
  const digest = new Promise<string>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A caller that never asks (the request failed early) must not see an unhandled rejection.
  digest.catch(() => undefined);
  const stream = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      resolve(hash.digest('hex'));
      done();
    },
  });
  pipeline(source, stream, (err) => {
    if (err) reject(err);
  });
  return { stream, digest };
}

/** Reads a body to its end only to learn its digest (a replay, or a refused reuse of a key). */
export async function digestOf(source: Readable): Promise<string> {
  const { stream, digest } = digestWhileReading(source);
  stream.resume();
  return digest;
}
