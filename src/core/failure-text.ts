/**
 * System failures in words, for the person who ran a command ("ENOENT: no such file or directory, open ..." and
 * "connect ECONNREFUSED 127.0.0.1:1" are for programmers).
 */
const IN_WORDS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EACCES: 'not allowed',
  EPERM: 'not allowed',
  EISDIR: 'is a folder, not a file',
  ENOTDIR: 'a part of the path is not a folder',
  ENOSPC: 'no space left on the device',
  EROFS: 'the file system is read-only',
  ECONNREFUSED: 'connection refused (is it running, and listening there?)',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be looked up',
  ETIMEDOUT: 'no answer in time',
  EHOSTUNREACH: 'host unreachable',
};

/** The reason of a failure in words: a system error's by its code, any other's message. */
export function reasonInWords(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return IN_WORDS[String((error as NodeJS.ErrnoException).code)] ?? error.message;
}

/**
 * Why a command failed, for the person who ran it: a system failure names its file or address and says the
 * reason in words; any other failure is its message.
 */
export function failureText(error: unknown): string {
  const { code, path, address, port } = (error instanceof Error ? error : {}) as NodeJS.ErrnoException & { address?: string; port?: number };
  const where = path ?? (address ? `${address}${port ? `:${port}` : ''}` : undefined);
  return where && IN_WORDS[String(code)] ? `${where}: ${reasonInWords(error)}` : reasonInWords(error);
}
