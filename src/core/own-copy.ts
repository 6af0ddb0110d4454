/**
 * A string of its own. A parser's strings are slices of the text it read (a chunk of a file, a page of a
 * source), so one of them kept (an identifier an import remembers, a link a harvest followed) would keep that
 * whole text alive. Prepending and cutting a character makes the engine copy; under 13 characters it copies
 * a slice anyway.
 */
export const ownCopy = (text: string): string => (text.length < 13 ? text : ` ${text}`.slice(1));
