import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

/**
 * Reads a secret: from a terminal without echoing it, or the first line of piped standard input
 * (`printf '%s\n' "$PW" | npm run cli -- create-superuser ...`).
 */
export async function readSecret(question: string): Promise<string> {
  const interactive = process.stdin.isTTY === true;
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output: interactive ? output : undefined, terminal: interactive });
  try {
    if (!interactive) {
      for await (const line of rl) return line;
      return '';
    }
    const answer = new Promise<string>((resolve) => rl.question(question, resolve));
    muted = true;
    const secret = await answer;
    process.stderr.write('\n');
    return secret;
  } finally {
    rl.close();
  }
}
