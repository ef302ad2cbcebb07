import { PassThrough, Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { digestOf, digestWhileReading } from './body-digest';

// FIPS 180-2 test vector: sha-256("abc").
const ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';

describe('digestWhileReading', () => {
  it('passes the bytes through unchanged and hashes exactly them, however they are chunked', async () => {
    const { stream, digest } = digestWhileReading(Readable.from([Buffer.from('a'), Buffer.from('bc')]));
    expect(await text(stream)).toBe('abc');
    expect(await digest).toBe(ABC);
  });

  it('digestOf reads a body to its end only to hash it', async () => {
    expect(await digestOf(Readable.from([Buffer.from('ab'), Buffer.from('c')]))).toBe(ABC);
  });

  it('rejects, and fails the reader, when the source breaks off', async () => {
    const source = new PassThrough();
    const { stream, digest } = digestWhileReading(source);
    const read = text(stream);
    source.write('ab');
    source.destroy(new Error('client hung up'));
    await expect(digest).rejects.toThrow('client hung up');
    await expect(read).rejects.toThrow('client hung up');
  });
});
