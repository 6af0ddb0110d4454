import { describe, expect, it } from 'vitest';
import { decodedText, utf8Text } from '../../src/harvest/text-encoding.js';

async function decode(...chunks: Uint8Array[]): Promise<string> {
  let text = '';
  for await (const part of decodedText((async function* () { yield* chunks; })())) text += part;
  return text;
}

const utf8 = (text: string) => Buffer.from(text, 'utf8');
// Windows-1252 agrees with Latin-1 on these letters; € is its own 0x80.
const windows1252 = (text: string) => Buffer.from(text.replace('€', '\u0080'), 'latin1');

describe('a text file read as UTF-8, or as Windows-1252 when its bytes are not UTF-8', () => {
  it('reads UTF-8 and drops its byte order mark', async () => {
    expect(await decode(utf8('\ufeffid;titel\nx;Växjö'))).toBe('id;titel\nx;Växjö');
  });

  it('keeps a character whose bytes two chunks split', async () => {
    const bytes = utf8('titel: Örebro län');
    const cut = bytes.indexOf(0xc3) + 1;
    expect(await decode(bytes.subarray(0, cut), bytes.subarray(cut))).toBe('titel: Örebro län');
  });

  it('reads Windows-1252, also when its first non-ASCII byte comes chunks later', async () => {
    expect(await decode(windows1252('Sällsynta sjukdomar, 5 €'))).toBe('Sällsynta sjukdomar, 5 €');
    expect(await decode(utf8('id,title\n'), windows1252('x,Åland\n'), windows1252('y,Göteborg'))).toBe('id,title\nx,Åland\ny,Göteborg');
    // A lone byte at the very end that UTF-8 would need more bytes for.
    expect(await decode(utf8('pris: 10 '), windows1252('Ã'))).toBe('pris: 10 Ã');
  });

  it('refuses a file that starts as UTF-8 and turns into something else, naming the reason', async () => {
    await expect(decode(utf8('x,Malmö\n'), windows1252('y,Luleå\n'))).rejects.toThrow(/not UTF-8 throughout/);
    await expect(decode(utf8('x,Malmö '), Buffer.from([0xc3]))).rejects.toThrow(/ends inside a UTF-8 character/);
  });
});

describe('a text file that must be UTF-8', () => {
  async function strict(...chunks: Uint8Array[]): Promise<string> {
    let text = '';
    for await (const part of utf8Text((async function* () { yield* chunks; })(), 'f.json')) text += part;
    return text;
  }

  it('reads UTF-8 whatever the chunks cut', async () => {
    const bytes = utf8('{"t": "Örebro län"}');
    for (let cut = 1; cut < bytes.length; cut++) expect(await strict(bytes.subarray(0, cut), bytes.subarray(cut))).toBe('{"t": "Örebro län"}');
  });

  it('names the line and column of the first bytes that are not UTF-8, counted across chunks', async () => {
    await expect(strict(utf8('{\n "a": "ö",\n'), utf8(' "b": "'), windows1252('Luleå"}'))).rejects.toThrow(/^f\.json: not UTF-8 at line 3, column 12:/);
  });
});
