/** For tests that start `modscope serve` / `npm start`: the URL the process prints ("modscope: open http://…"). */
import type { ChildProcess } from 'node:child_process';

export function servedUrl(child: ChildProcess): Promise<string> {
  return new Promise<string>((ok, fail) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /open (http:\/\/\S+)/.exec(out);
      if (m) ok(m[1]);
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (c) => fail(new Error(`${child.spawnargs.slice(1).join(' ')} exited ${c}: ${out}`)));
  });
}
