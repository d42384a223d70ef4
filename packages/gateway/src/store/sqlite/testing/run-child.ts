/** Test support: run a TypeScript child script of this folder with the workspace source condition. */
import { fork, type ChildProcess, type ForkOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** `node --import tsx --conditions=@api-token-auth/source <script>`. */
export function forkChild(script: string, args: string[], options: ForkOptions = {}): ChildProcess {
  return fork(fileURLToPath(new URL(script, import.meta.url)), args, {
    execArgv: ['--import', 'tsx', '--conditions=@api-token-auth/source'],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    ...options,
  });
}

/** Resolves with the child's stdout once it exits with code 0; rejects with its stderr otherwise. */
export function completion(child: ChildProcess): Promise<string> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`child exited with ${code ?? signal}: ${stderr}`));
    });
  });
}
