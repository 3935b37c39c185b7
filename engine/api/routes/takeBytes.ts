// The first bytes of a hijacked connection: with `Upgrade: tcp`, Node hands the request body over as
// the start of the upgraded socket (attach/exec options some clients send as JSON), before any stdin.
import type { Duplex } from 'node:stream';

/** Reads exactly `n` bytes from the start of `stream`, leaving the rest unread. */
export function takeBytes(stream: Duplex, n: number): Promise<Buffer> {
  if (n <= 0) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const onReadable = () => {
      let c: Buffer | null;
      while (got < n && (c = stream.read() as Buffer | null) !== null) {
        const need = n - got;
        if (c.length > need) {
          stream.unshift(c.subarray(need));
          c = c.subarray(0, need);
        }
        chunks.push(c);
        got += c.length;
      }
      if (got >= n) {
        stream.off('readable', onReadable);
        stream.off('end', onEnd);
        resolve(Buffer.concat(chunks));
      }
    };
    const onEnd = () => reject(new Error('connection closed before the request body'));
    stream.on('readable', onReadable);
    stream.once('end', onEnd);
    onReadable();
  });
}
