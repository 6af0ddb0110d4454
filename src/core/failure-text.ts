/** File system failures in words ("ENOENT: no such file or directory, open ..." is for programmers). */
const FILE_FAILURES: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EACCES: 'not allowed',
  EPERM: 'not allowed',
  EISDIR: 'is a folder, not a file',
  ENOTDIR: 'a part of the path is not a folder',
  ENOSPC: 'no space left on the device',
  EROFS: 'the file system is read-only',
};

/** Why a command failed, for the person who ran it. */
export function failureText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code, path } = error as NodeJS.ErrnoException;
  return code && path && FILE_FAILURES[code] ? `${path}: ${FILE_FAILURES[code]}` : error.message;
}
