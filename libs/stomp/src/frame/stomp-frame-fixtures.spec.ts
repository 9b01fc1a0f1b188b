import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { StompDecoder, StompDecoderLimits } from './stomp-decoder';
import type { StompFrame, StompVersion } from './stomp-frame';
import { StompFrameError, StompFrameErrorCode } from './stomp-frame.error';

/*
 * Every `*.frame` file in libs/stomp/test/frames is raw bytes off the wire; its `.json` sidecar
 * says what the decoder must make of them. The file name says the outcome: `valid-` (these frames),
 * `invalid-` (this StompFrameError code), `incomplete-` (no frame and no error yet: more bytes are
 * needed). Each fixture is decoded whole and again byte by byte: the outcome must not depend on how
 * the transport chunks the stream.
 */

interface ExpectedFrame {
  command: string;
  headers: Record<string, string>;
  body?: string;
  bodyBase64?: string;
}

interface Fixture {
  why: string;
  version?: StompVersion;
  limits?: StompDecoderLimits;
  frames?: ExpectedFrame[];
  error?: StompFrameErrorCode;
}

const DIR = join(__dirname, '..', '..', 'test', 'frames');
const names = readdirSync(DIR)
  .filter((file) => file.endsWith('.frame'))
  .map((file) => file.slice(0, -'.frame'.length))
  .sort();

function decode(bytes: Buffer, fixture: Fixture, chunk: number): { frames: StompFrame[]; pending: number } {
  const decoder = new StompDecoder(fixture.limits);
  decoder.version = fixture.version ?? '1.2';
  const frames: StompFrame[] = [];
  for (let at = 0; at < bytes.length; at += chunk)
    frames.push(...decoder.push(bytes.subarray(at, at + chunk)));
  return { frames, pending: decoder.pendingBytes };
}

const plain = (frames: StompFrame[]) =>
  frames.map((f) => ({ command: f.command, headers: { ...f.headers }, body: f.body.toString('base64') }));

const expected = (frames: ExpectedFrame[]) =>
  frames.map((f) => ({
    command: f.command,
    headers: f.headers,
    body: f.bodyBase64 ?? Buffer.from(f.body ?? '').toString('base64'),
  }));

describe('STOMP frame fixtures (libs/stomp/test/frames)', () => {
  it('has valid, invalid and incomplete fixtures, each with its sidecar', () => {
    const kinds = new Set(names.map((name) => name.split('-')[0]));
    expect([...kinds].sort()).toEqual(['incomplete', 'invalid', 'valid']);
    expect(readdirSync(DIR).filter((f) => f.endsWith('.json'))).toHaveLength(names.length);
  });

  describe.each(names)('%s', (name) => {
    const bytes = readFileSync(join(DIR, `${name}.frame`));
    const fixture = JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8')) as Fixture;

    it.each([
      ['whole', bytes.length || 1],
      ['byte by byte', 1],
    ])(`decodes as expected (%s): ${fixture.why}`, (_how, chunk) => {
      if (name.startsWith('invalid-')) {
        expect(fixture.error).toBeDefined();
        let thrown: unknown;
        try {
          decode(bytes, fixture, chunk);
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(StompFrameError);
        expect((thrown as StompFrameError).code).toBe(fixture.error);
        return;
      }
      const { frames, pending } = decode(bytes, fixture, chunk);
      expect(plain(frames)).toEqual(expected(fixture.frames ?? []));
      if (name.startsWith('valid-')) {
        expect(frames.length).toBeGreaterThan(0);
        expect(pending).toBe(0);
      } else {
        expect(frames).toHaveLength(0);
        expect(pending).toBeGreaterThan(0);
      }
    });
  });
});
