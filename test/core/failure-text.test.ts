import { open } from 'node:fs/promises';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { failureText } from '../../src/core/failure-text.js';

/** What `gdcat` prints when a command fails: the file and the reason in words, never the system's error code. */
describe('failureText', () => {
  const failureOf = async (path: string, flags: string) => open(path, flags).then(() => expect.unreachable(), (error: unknown) => error);

  it('names the file and says in words what is wrong with it', async () => {
    expect(failureText(await failureOf('/nowhere/out.ttl', 'w'))).toBe('/nowhere/out.ttl: no such file or folder');
    expect(failureText(await failureOf('/tmp', 'w'))).toBe('/tmp: is a folder, not a file');
  });

  it('names the address a connection failed to', async () => {
    const refused = await new Promise<unknown>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port: 1 });
      socket.on('error', resolve);
    });
    expect(failureText(refused)).toBe('127.0.0.1:1: connection refused (is it running, and listening there?)');
  });

  it('passes on any other failure as it is', () => {
    expect(failureText(new Error('--format must be ttl or nt'))).toBe('--format must be ttl or nt');
    expect(failureText('stopped')).toBe('stopped');
  });
});
