/**
 * `zaakpoort hash-password` (`npm run hash-password`): prints the scrypt hash for `senders[].basicAuth.passwordHash` and `beheer.accounts[].passwordHash`. The password is read
 * from the terminal without echo, or from stdin when piped (`printf %s "$PW" | zaakpoort hash-password`); it is
 * never taken as an argument, which would leave it in the shell history and the process list.
 */
import { hashPassword } from '../server/passwords.js';
import { UsageError } from './errors.js';

async function readHidden(prompt: string): Promise<string> {
  const input = process.stdin;
  process.stderr.write(prompt);
  input.setRawMode(true);
  input.resume();
  input.setEncoding('utf8');
  let value = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          input.setRawMode(false);
          input.pause();
          input.off('data', onData);
          process.stderr.write('\n');
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          input.setRawMode(false);
          reject(new Error('afgebroken'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    input.on('data', onData);
  });
}

async function readPiped(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += chunk.toString();
  return text.replace(/\r?\n$/, '');
}

export async function hashPasswordCommand(): Promise<void> {
  let password: string;
  if (process.stdin.isTTY) {
    password = await readHidden('Wachtwoord: ');
    const again = await readHidden('Nogmaals: ');
    if (again !== password) throw new UsageError('de wachtwoorden zijn niet gelijk');
  } else {
    password = await readPiped();
  }
  if (password.length < 12) throw new UsageError('gebruik een wachtwoord van minstens 12 tekens');
  process.stdout.write(`${await hashPassword(password)}\n`);
}
