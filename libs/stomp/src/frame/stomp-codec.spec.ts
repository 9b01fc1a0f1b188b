import fc from 'fast-check';
import { StompDecoder, StompFrame, StompFrameError, StompVersion, createHeaders, encodeFrame } from './index';

function decodeAll(
  bytes: Buffer,
  version: StompVersion = '1.2',
  limits?: ConstructorParameters<typeof StompDecoder>[0],
) {
  const decoder = new StompDecoder(limits);
  decoder.version = version;
  return decoder.push(bytes);
}

function frameOf(command: string, headers: Record<string, string>, body: string | Buffer = ''): StompFrame {
  const h = createHeaders();
  Object.assign(h, headers);
  return { command, headers: h, body: typeof body === 'string' ? Buffer.from(body) : body };
}

describe('STOMP frame codec', () => {
  it('decodes a frame with LF line endings', () => {
    const [frame] = decodeAll(Buffer.from('SEND\ndestination:/app/x\n\nhello\0'));
    expect(frame.command).toBe('SEND');
    expect(frame.headers.destination).toBe('/app/x');
    expect(frame.body.toString()).toBe('hello');
  });

  it('decodes CR LF line endings', () => {
    const [frame] = decodeAll(Buffer.from('SEND\r\ndestination:/app/x\r\nreceipt:7\r\n\r\nhi\0'));
    expect(frame.headers).toEqual({ destination: '/app/x', receipt: '7' });
    expect(frame.body.toString()).toBe('hi');
  });

  it('keeps the first of repeated headers', () => {
    const [frame] = decodeAll(Buffer.from('MESSAGE\nfoo:first\nfoo:second\n\n\0'));
    expect(frame.headers.foo).toBe('first');
  });

  it('unescapes header values in 1.2 but not on CONNECT', () => {
    const [send] = decodeAll(Buffer.from('SEND\na\\cb:x\\ny\\\\z\\r\n\n\0'));
    expect(send.headers['a:b']).toBe('x\ny\\z\r');
    const [connect] = decodeAll(Buffer.from('CONNECT\npasscode:a\\cb\n\n\0'));
    expect(connect.headers.passcode).toBe('a\\cb');
  });

  it('does not unescape in STOMP 1.0', () => {
    const [frame] = decodeAll(Buffer.from('SEND\nx:a\\cb\\t\n\n\0'), '1.0');
    expect(frame.headers.x).toBe('a\\cb\\t');
  });

  it('rejects undefined escapes in 1.2 and \\r in 1.1', () => {
    expect(() => decodeAll(Buffer.from('SEND\nx:a\\tb\n\n\0'))).toThrow(StompFrameError);
    expect(() => decodeAll(Buffer.from('SEND\nx:a\\rb\n\n\0'), '1.1')).toThrow(/escape/);
  });

  it('uses content-length for bodies containing NUL', () => {
    const body = Buffer.from([1, 0, 2, 0, 3]);
    const bytes = Buffer.concat([Buffer.from('SEND\ncontent-length:5\n\n'), body, Buffer.from([0])]);
    const [frame] = decodeAll(bytes);
    expect(frame.body).toEqual(body);
  });

  it('counts content-length in bytes, not characters', () => {
    const encoded = encodeFrame({ command: 'SEND', body: 'héllo ✓' }, '1.2');
    const [frame] = decodeAll(encoded);
    expect(frame.headers['content-length']).toBe(String(Buffer.byteLength('héllo ✓')));
    expect(frame.body.toString()).toBe('héllo ✓');
  });

  it('skips heart-beat EOLs between frames and handles packed frames', () => {
    const frames = decodeAll(Buffer.from('\n\r\nSEND\n\na\0\n\nSEND\n\nb\0\r\n'));
    expect(frames.map((f) => f.body.toString())).toEqual(['a', 'b']);
  });

  it('reassembles a frame split byte by byte', () => {
    const decoder = new StompDecoder();
    const bytes = encodeFrame({ command: 'SEND', headers: { destination: '/a' }, body: 'xyz' }, '1.2');
    const out: StompFrame[] = [];
    for (const b of bytes) out.push(...decoder.push(Buffer.from([b])));
    expect(out).toHaveLength(1);
    expect(out[0].body.toString()).toBe('xyz');
    expect(decoder.pendingBytes).toBe(0);
  });

  it('enforces the frame size limit, with and without content-length', () => {
    const limits = { maxFrameBytes: 100, maxHeaders: 64, maxHeaderLineBytes: 8192 };
    const big = 'x'.repeat(200);
    expect(() => decodeAll(Buffer.from(`SEND\n\n${big}`), '1.2', limits)).toThrow(
      expect.objectContaining({ code: 'FRAME_TOO_LARGE' }),
    );
    expect(() => decodeAll(Buffer.from('SEND\ncontent-length:500\n\n'), '1.2', limits)).toThrow(
      expect.objectContaining({ code: 'FRAME_TOO_LARGE' }),
    );
  });

  it('enforces header count and header line limits', () => {
    const limits = { maxFrameBytes: 65536, maxHeaders: 3, maxHeaderLineBytes: 20 };
    expect(() => decodeAll(Buffer.from('SEND\na:1\nb:2\nc:3\nd:4\n\n\0'), '1.2', limits)).toThrow(
      expect.objectContaining({ code: 'TOO_MANY_HEADERS' }),
    );
    expect(() => decodeAll(Buffer.from(`SEND\na:${'y'.repeat(50)}`), '1.2', limits)).toThrow(
      expect.objectContaining({ code: 'HEADER_LINE_TOO_LONG' }),
    );
  });

  it('rejects malformed frames with typed errors', () => {
    expect(() => decodeAll(Buffer.from('send\n\n\0'))).toThrow(
      expect.objectContaining({ code: 'INVALID_COMMAND' }),
    );
    expect(() => decodeAll(Buffer.from('SEND\nnocolon\n\n\0'))).toThrow(
      expect.objectContaining({ code: 'MALFORMED_HEADER' }),
    );
    expect(() => decodeAll(Buffer.from('SEND\ncontent-length:abc\n\n\0'))).toThrow(
      expect.objectContaining({ code: 'INVALID_CONTENT_LENGTH' }),
    );
    expect(() => decodeAll(Buffer.from('SEND\ncontent-length:1\n\nab\0'))).toThrow(
      expect.objectContaining({ code: 'MISSING_NULL_TERMINATOR' }),
    );
  });

  it('does not escape CONNECTED headers and replaces line breaks in 1.0', () => {
    expect(encodeFrame({ command: 'CONNECTED', headers: { server: 'a:b' } }, '1.2').toString()).toBe(
      'CONNECTED\nserver:a:b\n\n\0',
    );
    expect(encodeFrame({ command: 'MESSAGE', headers: { x: 'a\nb' } }, '1.0').toString()).toBe(
      'MESSAGE\nx:a b\n\n\0',
    );
  });

  describe('properties', () => {
    const commands = fc.constantFrom('SEND', 'MESSAGE', 'SUBSCRIBE', 'ACK', 'ERROR', 'RECEIPT');
    const headerName = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 12 })
      .filter((n) => n !== 'content-length');
    const headerValue = fc.string({ unit: 'grapheme', maxLength: 30 });
    const special = fc.constantFrom(':', '\n', '\\', '\r', '\\n', 'a:b\\c');
    const frameArb = fc
      .record({
        command: commands,
        headers: fc.dictionary(headerName, fc.oneof(headerValue, special), { maxKeys: 8 }),
        body: fc.uint8Array({ maxLength: 300 }),
      })
      .map(({ command, headers, body }) => {
        const buffer = Buffer.from(body);
        const expected = frameOf(command, headers, buffer);
        if (buffer.length > 0) expected.headers['content-length'] = String(buffer.length);
        return { input: { command, headers, body: buffer }, expected };
      });

    it('decode(encode(f)) equals f for arbitrary frames', () => {
      fc.assert(
        fc.property(frameArb, ({ input, expected }) => {
          const frames = decodeAll(encodeFrame(input, '1.2'));
          expect(frames).toEqual([expected]);
        }),
        { numRuns: 500 },
      );
    });

    it('any chunking of the encoded bytes yields the same frames', () => {
      fc.assert(
        fc.property(
          fc.array(frameArb, { minLength: 1, maxLength: 5 }),
          fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 50 }),
          fc.boolean(),
          (frames, cuts, heartbeats) => {
            const parts = frames.flatMap(({ input }) => {
              const encoded = encodeFrame(input, '1.2');
              return heartbeats ? [encoded, Buffer.from('\r\n\n')] : [encoded];
            });
            const bytes = Buffer.concat(parts);
            const decoder = new StompDecoder();
            const out: StompFrame[] = [];
            let offset = 0;
            let i = 0;
            while (offset < bytes.length) {
              const size = cuts[i++ % cuts.length];
              out.push(...decoder.push(bytes.subarray(offset, offset + size)));
              offset += size;
            }
            expect(out).toEqual(frames.map((f) => f.expected));
          },
        ),
        { numRuns: 300 },
      );
    });

    it('random bytes never throw anything but StompFrameError', () => {
      const limits = { maxFrameBytes: 256, maxHeaders: 4, maxHeaderLineBytes: 32 };
      const noisy = fc.array(
        fc.oneof(
          fc.uint8Array({ maxLength: 40 }),
          fc
            .constantFrom('SEND\n', 'content-length:3\n', '\n', '\0', ':', '\\', 'a\\cb', '\r\n')
            .map((s) => Uint8Array.from(Buffer.from(s))),
        ),
        { maxLength: 30 },
      );
      fc.assert(
        fc.property(noisy, fc.constantFrom<StompVersion>('1.0', '1.1', '1.2'), (chunks, version) => {
          const decoder = new StompDecoder(limits);
          decoder.version = version;
          try {
            for (const c of chunks) decoder.push(Buffer.from(c));
          } catch (error) {
            expect(error).toBeInstanceOf(StompFrameError);
          }
        }),
        { numRuns: 1000 },
      );
    });
  });
});
