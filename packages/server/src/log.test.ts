import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordingTokenStore } from './auth/token-store.fixture.ts';
import { issueToken } from './auth/tokens.ts';
import {
  BATCH_DELAY_MS,
  BUSY_WAIT_MS,
  batchedDestination,
  batchedLines,
  createLogger,
  fdSink,
  getRequestId,
  isoTimeOfMillisecond,
  logRequest,
  readableRequestLines,
  redactSecrets,
  redactSecretsThoroughly,
  withRequestLogging,
} from './log.ts';
import { fromFetch, pipelineOf, replyHeader, withPipeline } from './pipeline.ts';

function capture() {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => lines.push(line) } });
  return { logger, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const JWT =
  'eyJhbGciOiJSUzI1NiIsImtpZCI6ImtleS0xIn0.eyJpc3MiOiJodHRwczovL3N0cy53aW5kb3dzLm5ldC94LyJ9.c2lnbmF0dXJlLWJ5dGVz';

describe('redactSecrets', () => {
  it('removes tokens (keeping their id), JWTs and Bearer/Basic values from text', () => {
    const token = `scim_0123456789abcdef_${'x'.repeat(43)}`;
    expect(redactSecrets(`token ${token} used`)).toBe('token scim_0123456789abcdef_[redacted] used');
    expect(redactSecrets(`jwt=${JWT};`)).toBe('jwt=[redacted jwt];');
    expect(redactSecrets('Authorization: bearer abc.DEF-ghi')).toBe('Authorization: bearer [redacted]');
    expect(redactSecrets('Basic YWxhZGRpbjpvcGVuc2VzYW1l')).toBe('Basic [redacted]');
    expect(redactSecrets('GET /Users?filter=userName eq "bjensen"')).toBe(
      'GET /Users?filter=userName eq "bjensen"',
    );
  });
});

describe('redactSecrets: percent-encoded credentials', () => {
  const secret = 'Yk3v0Qm4J8b2sR1xT9wZ6uN5aE7cH0dL4pF2gK8iM1o';
  const token = `scim_0123456789abcdef_${secret}`;

  it('redacts a token in an encoded filter, as a logged URL carries it', () => {
    const url = new URL(`https://x/scim/v2/Users?filter=userName eq "${token}"`);
    const out = redactSecrets(url.pathname + url.search);
    expect(out).not.toContain(secret);
    expect(out).toContain('scim_0123456789abcdef_');
    expect(redactSecrets(`filter=userName%20eq%20%22${token}%22`)).toBe(
      'filter=userName%20eq%20%22scim_0123456789abcdef_[redacted]%22',
    );
  });

  it('redacts tokens, JWTs and Bearer values whatever is escaped, also encoded twice', () => {
    const escapeAll = (text: string) =>
      [...text].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');
    for (const hidden of [
      `%22${token}%22`,
      encodeURIComponent(`"${token}"`),
      encodeURIComponent(encodeURIComponent(`"${token}"`)),
      `%73cim_0123456789abcdef_${secret}`,
      `scim%5F0123456789abcdef%5F${secret}`,
      escapeAll(token),
      `q=${escapeAll(`Bearer ${secret}`)}`,
      `x%22${JWT}%22`,
      `Authorization%3A%20Bearer%20${secret}`,
    ]) {
      const out = redactSecrets(hidden);
      const decoded = decodeURIComponent(decodeURIComponent(out));
      expect(decoded, hidden).not.toContain(secret);
      expect(decoded, hidden).not.toContain('c2lnbmF0dXJlLWJ5dGVz');
    }
  });

  it('leaves text without credentials as it is, escapes included', () => {
    for (const text of [
      '/Users?filter=userName%20eq%20%22bjensen%22',
      '100%',
      '%E0%A4%A',
      'a%2Fb',
      'scim_x',
    ]) {
      expect(redactSecrets(text)).toBe(text);
    }
  });
});

describe('batchedLines', () => {
  it('writes the lines of one batch in one write, each with its newline, in order', async () => {
    const writes: string[] = [];
    const log = batchedLines({ write: (chunk: string) => writes.push(chunk) });
    log('GET /Users 200 1ms a');
    await new Promise((resolve) => setImmediate(resolve));
    log('GET /Groups 200 1ms b');
    // Lines of several ticks wait for one another (one keep-alive request per tick).
    expect(writes).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, BATCH_DELAY_MS * 3));
    expect(writes).toEqual(['GET /Users 200 1ms a\nGET /Groups 200 1ms b\n']);
    log('PATCH /Users/1 200 2ms c');
    log.flush();
    expect(writes).toEqual(['GET /Users 200 1ms a\nGET /Groups 200 1ms b\n', 'PATCH /Users/1 200 2ms c\n']);
  });
});

describe('redactSecrets, its shortcuts', () => {
  // Pieces of logged URLs: escapes (once, twice, thrice encoded), markers and their parts, tokens.
  const piece = fc.oneof(
    fc.constantFrom(
      '%20',
      '%22',
      '%25',
      '%2522',
      '%252522',
      '%5F',
      '%73',
      '%45',
      '%65',
      '+',
      '=',
      '&',
      '?',
      '/',
    ),
    fc.constantFrom(
      'scim',
      '_',
      'scim_',
      'eyJ',
      'ey',
      'J',
      'bearer',
      'Basic',
      'BEARER',
      'bas',
      'ic',
      '.',
      'x',
    ),
    fc.constantFrom(
      '0123456789abcdef',
      'abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456',
      'userName',
      'eq',
      'é',
      '%C3%A9',
    ),
    fc.string({ maxLength: 4 }),
  );
  it('answers exactly as the thorough path for any URL-like text', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }), (pieces) => {
        const text = pieces.join('');
        expect(redactSecrets(text)).toBe(redactSecretsThoroughly(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('redacts a token hidden under three levels of encoding, and leaves an encoded filter as it is', () => {
    const token = 'scim_0123456789abcdef_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456';
    const thrice = encodeURIComponent(encodeURIComponent(encodeURIComponent(`"${token}"`)));
    expect(redactSecrets(`/Users?filter=userName%20eq%20${thrice}`)).not.toContain(
      'abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456',
    );
    const filter = `/Users?filter=${encodeURIComponent('userName eq "bjensen@example.com"')}`;
    expect(redactSecrets(filter)).toBe(filter);
  });
});

describe('redactSecrets, property-based', () => {
  const secret = fc.string({
    unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'),
    minLength: 43,
    maxLength: 43,
  });
  const id = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 16, maxLength: 16 });
  const text = fc.string({ maxLength: 30 });

  it('removes any token of ours from any surrounding text', () => {
    fc.assert(
      fc.property(text, id, secret, text, (before, i, s, after) => {
        const out = redactSecrets(`${before} scim_${i}_${s} ${after}`);
        expect(out).not.toContain(s);
        expect(out).toContain(`scim_${i}_[redacted]`);
      }),
    );
  });

  it('removes any token of ours, percent-encoded in any way, from any surrounding text', () => {
    fc.assert(
      fc.property(
        text,
        id,
        secret,
        text,
        fc.array(fc.boolean(), { minLength: 65, maxLength: 65 }),
        (before, i, s, after, escaped) => {
          const token = `scim_${i}_${s}`;
          const encoded = [...token]
            .map((c, k) => (escaped[k] ? `%${c.charCodeAt(0).toString(16).padStart(2, '0')}` : c))
            .join('');
          const out = redactSecrets(`${before}%22${encoded}%22${after}`);
          const ascii = out.replace(/%([0-7][0-9A-Fa-f])/g, (_, hex: string) =>
            String.fromCharCode(Number.parseInt(hex, 16)),
          );
          expect(ascii).not.toContain(s);
        },
      ),
    );
  });

  it('removes any Bearer value from any surrounding text', () => {
    fc.assert(
      fc.property(
        text,
        secret,
        fc.constantFrom('Bearer ', 'bearer  ', 'Bearer%20', 'Basic '),
        (before, s, scheme) => {
          expect(redactSecrets(`${before} ${scheme}${s}`)).not.toContain(s);
        },
      ),
    );
  });
});

describe('createLogger', () => {
  it('redacts credentials by key at any depth, in messages, errors and child bindings', () => {
    const { logger, lines, parsed } = capture();
    const secret = 'hunter2-hunter2-hunter2';
    logger.info(
      {
        headers: {
          authorization: `Bearer ${secret}`,
          cookie: `sid=${secret}`,
          'set-cookie': [`a=${secret}`],
          accept: '*/*',
        },
        nested: { deeper: { clientSecret: secret, password: secret, accessToken: secret, apiKey: secret } },
        list: [{ token: secret }],
      },
      `called with Bearer ${secret}`,
    );
    logger.error({ err: new Error(`failed with Bearer ${secret}`) }, 'oops');
    logger
      .child({ token: secret })
      .child({ note: `Bearer ${secret}` })
      .warn('child');
    logger.error(new Error(`direct Bearer ${secret}`));
    class Credentials {
      user = 'svc';
      apiToken = secret;
    }
    logger.info(
      { creds: new Credentials(), at: new Date(0), url: new URL(`https://x/?q=Bearer%20${secret}`) },
      'instances',
    );
    logger.info(new Headers({ authorization: `Bearer ${secret}`, 'x-request-id': 'r1' }), 'headers');
    const output = lines.join('');
    expect(output).not.toContain(secret);
    const [first, second, third, direct, instances, fourth] = parsed();
    expect(instances).toMatchObject({
      creds: { user: 'svc', apiToken: '[redacted]' },
      at: '1970-01-01T00:00:00.000Z',
      url: 'https://x/?q=Bearer%20[redacted]',
    });
    expect(direct).toMatchObject({
      msg: 'direct Bearer [redacted]',
      err: { message: 'direct Bearer [redacted]' },
    });
    expect(first).toMatchObject({
      headers: {
        authorization: '[redacted]',
        cookie: '[redacted]',
        'set-cookie': '[redacted]',
        accept: '*/*',
      },
      nested: {
        deeper: {
          clientSecret: '[redacted]',
          password: '[redacted]',
          accessToken: '[redacted]',
          apiKey: '[redacted]',
        },
      },
      list: [{ token: '[redacted]' }],
      msg: 'called with Bearer [redacted]',
    });
    expect(second?.err).toMatchObject({ type: 'Error', message: 'failed with Bearer [redacted]' });
    expect(third).toMatchObject({ token: '[redacted]', note: 'Bearer [redacted]', msg: 'child' });
    expect(fourth).toMatchObject({ authorization: '[redacted]', 'x-request-id': 'r1' });
  });

  it('honours the level', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', destination: { write: (l: string) => lines.push(l) } });
    logger.info('quiet');
    logger.warn('loud');
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['loud']);
  });
});

describe('logRequest', () => {
  it('logs method, path, status, duration and id, and never a credential header or query value', () => {
    const { logger, parsed } = capture();
    const request = new Request(
      'https://scim.example.com/scim/v2/Users?filter=userName%20eq%20%22a%22&access_token=abc',
      {
        headers: {
          authorization: 'Bearer abc',
          cookie: 'sid=abc',
          'user-agent': 'Azure AD SCIM',
          'content-length': '12',
        },
      },
    );
    logRequest(logger, request, new Response(null, { status: 201 }), 12.345, 'req-1', {
      tenant: 'contoso',
      principal: 'tok_1',
    });
    logRequest(logger, request, new Response(null, { status: 404 }), 1, 'req-2');
    logRequest(logger, request, undefined, 1, 'req-3', { err: new Error('boom') });
    const [ok, missing, failed] = parsed();
    expect(ok).toMatchObject({
      level: 30,
      requestId: 'req-1',
      method: 'GET',
      path: '/scim/v2/Users?filter=userName+eq+%22a%22&access_token=%5Bredacted%5D',
      status: 201,
      durationMs: 12.3,
      userAgent: 'Azure AD SCIM',
      requestBytes: 12,
      tenant: 'contoso',
      principal: 'tok_1',
      msg: 'GET /scim/v2/Users?filter=userName+eq+%22a%22&access_token=%5Bredacted%5D 201',
    });
    expect(JSON.stringify(ok)).not.toContain('abc');
    expect(missing).toMatchObject({ level: 40, status: 404 });
    expect(failed).toMatchObject({ level: 50, status: 500, err: { message: 'boom' } });
  });
});

describe('logRequest, the line written without pino', () => {
  const text = fc.string({ unit: 'binary', maxLength: 40 });
  it('writes what pino writes for the same line, for any path, user agent, status and id', () => {
    fc.assert(
      fc.property(
        fc.webUrl({ withQueryParameters: true, withFragments: false }),
        text,
        fc.constantFrom(200, 201, 204, 404, 409, 503),
        fc.stringMatching(/^[A-Za-z0-9._:@/+=-]{1,20}$/),
        fc.option(text, { nil: undefined }),
        (url, userAgent, status, requestId, tenant) => {
          const lines: string[] = [];
          const logger = createLogger({
            level: 'debug',
            name: 'scim',
            destination: { write: (l: string) => lines.push(l) },
          });
          const request = new Request(url, {
            headers: { 'user-agent': userAgent.replace(/[^\x20-\xff]/g, '') },
          });
          const details = tenant === undefined ? {} : { tenant };
          logRequest(logger, request, new Response(null, { status }), 1.25, requestId, details);
          // A child with no bindings writes the same line through pino itself.
          logRequest(logger.child({}), request, new Response(null, { status }), 1.25, requestId, details);
          expect(lines).toHaveLength(2);
          const [own, pinos] = lines.map((line) => {
            const { time, ...rest } = JSON.parse(line) as Record<string, unknown>;
            expect(typeof time).toBe('string');
            return rest;
          });
          expect(Object.keys(own!)).toEqual(Object.keys(pinos!));
          expect(own).toEqual(pinos);
          expect(lines[0]!.endsWith('\n')).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('honours the logger level: a 200 at warn writes nothing, a 404 one line', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', destination: { write: (l: string) => lines.push(l) } });
    const request = new Request('https://h/x');
    logRequest(logger, request, new Response(null, { status: 200 }), 1, 'a');
    logRequest(logger, request, new Response(null, { status: 404 }), 1, 'b');
    expect(lines.map((l) => JSON.parse(l).requestId)).toEqual(['b']);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 40, msg: 'GET /x 404' });
  });

  it('stamps each line with the time of its millisecond, as pino.stdTimeFunctions.isoTime writes it', async () => {
    const lines: string[] = [];
    const logger = createLogger({ destination: { write: (l: string) => lines.push(l) } });
    for (let i = 0; i < 3; i++) {
      const before = Date.now();
      logger.info('tick');
      const after = Date.now();
      const { time } = JSON.parse(lines.at(-1)!) as { time: string };
      expect(time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Date.parse(time)).toBeGreaterThanOrEqual(before);
      expect(Date.parse(time)).toBeLessThanOrEqual(after);
      await new Promise((done) => setTimeout(done, 3));
    }
  });
});

describe('request lines: the text built without JSON.stringify', () => {
  /** A logger of createLogger and its child with no bindings (pino writes the child's lines itself). */
  const both = () => {
    const lines: string[] = [];
    const own = createLogger({ level: 'debug', destination: { write: (l: string) => lines.push(l) } });
    return { lines, loggers: [own, own.child({})] };
  };
  const masked = (line: string) => line.replace(/^(\{"level":\d+,"time":")[^"]*"/, '$1T"');
  const piece = fc.constantFrom('"', '\\', '%22', '%5C', 'a', '/', '?', '&', '=', 'token=', 'é', '😀', ' ');

  it('escapes a `"` or a `\\` of the path and query as pino does, for any path and query text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: piece, maxLength: 20 }),
        fc.string({ unit: piece, maxLength: 20 }),
        (path, query) => {
          const { lines, loggers } = both();
          const request = new Request(`http://h/${path}?${query}`);
          for (const logger of loggers) logRequest(logger, request, new Response(null), 1, 'id');
          expect(masked(lines[0]!)).toBe(masked(lines[1]!));
        },
      ),
      { numRuns: 500 },
    );
    const { lines, loggers } = both();
    logRequest(loggers[0]!, new Request('http://h/a?q="x\\y'), new Response(null), 1, 'id');
    expect(JSON.parse(lines[0]!).path).toBe('/a?q=%22x\\y');
  });

  it('writes a status outside 100-599 and a method of its own as pino does, again and again', () => {
    const { lines, loggers } = both();
    for (const status of [200, 600, 99, 200]) {
      for (const logger of loggers) {
        logRequest(
          logger,
          new Request('http://h/x', { method: 'PROPFIND' }),
          { status } as Response,
          2,
          'id',
        );
      }
    }
    for (let i = 0; i < lines.length; i += 2) expect(masked(lines[i]!)).toBe(masked(lines[i + 1]!));
    expect(lines.map((l) => JSON.parse(l).msg)).toContain('PROPFIND /x 600');
  });

  it('redacts a credential-like query parameter wherever it stands among the pairs, and only then', () => {
    const pairs = fc.array(
      fc.tuple(
        fc.constantFrom(
          'filter',
          'count',
          '',
          'x',
          'token',
          'TOKEN',
          'access_token',
          '%74oken',
          'api+key',
          'api-key',
        ),
        fc.constantFrom('', '=1', '=SECRET-VALUE', '=a=b'),
      ),
      { maxLength: 5 },
    );
    fc.assert(
      fc.property(pairs, fc.constantFrom('&', '&&'), (list, glue) => {
        const query = list.map(([key, value]) => `${key}${value}`).join(glue);
        const { lines, loggers } = both();
        logRequest(loggers[0]!, new Request(`http://h/Users?${query}`), new Response(null), 1, 'id');
        const path = JSON.parse(lines[0]!).path as string;
        const isSecret = (key: string) => /^(access_token|token|api[-_]?key)$/i.test(key);
        const sent = new URLSearchParams(query);
        if (![...sent.keys()].some(isSecret)) {
          expect(path).toBe(`/Users${new URL(`http://h/Users?${query}`).search}`);
          return;
        }
        const logged = new URLSearchParams(path.slice(path.indexOf('?')));
        for (const key of new Set(sent.keys())) {
          expect(logged.getAll(key)).toEqual(isSecret(key) ? ['[redacted]'] : sent.getAll(key));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('writes the ids it makes as they are, and redacts an id a caller’s generator makes', async () => {
    const { lines, loggers } = both();
    const inner = withPipeline(
      async () => new Response(null),
      async () => ({ status: 200, headers: {}, body: null }),
    );
    const request = () => fromFetch(new Request('http://h/x'), undefined);
    const made = await pipelineOf(withRequestLogging(inner, loggers[0]!))!(request());
    const id = replyHeader(made, 'x-request-id')!;
    expect(JSON.parse(lines[0]!).requestId).toBe(id);
    const token = 'scim_0123456789abcdef_abcdefghijklmnopqrstuvwxyz';
    await pipelineOf(withRequestLogging(inner, loggers[0]!, { generateId: () => token }))!(request());
    expect(lines[1]).not.toContain('abcdefghijklmnopqrstuvwxyz');
    expect(JSON.parse(lines[1]!).requestId).toBe('scim_0123456789abcdef_[redacted]');
  });
});

describe('readableRequestLines', () => {
  it('writes method, path, status, time and id on one line, through the pipeline and through logRequest alike', async () => {
    const lines: string[] = [];
    const logger = readableRequestLines((line) => lines.push(line));
    const request = new Request('https://h/scim/v2/Users?filter=userName%20eq%20%22a%22&token=abc', {
      headers: { 'user-agent': 'Azure AD SCIM', 'x-request-id': 'req-1' },
    });
    const handler = withRequestLogging(async () => new Response('{}', { status: 201 }), logger, {
      now: () => 5,
    });
    await handler(request);
    logRequest(logger, request, new Response(null, { status: 404 }), 1.26, 'req-2');
    expect(lines).toEqual([
      'GET /scim/v2/Users?filter=userName+eq+%22a%22&token=%5Bredacted%5D 201 0ms req-1',
      'GET /scim/v2/Users?filter=userName+eq+%22a%22&token=%5Bredacted%5D 404 1.3ms req-2',
    ]);
  });
});

describe('logRequest, query parameters', () => {
  it.each([
    ['?token=abc&a=1', '/x?token=%5Bredacted%5D&a=1'],
    ['?a=1&Access_Token=abc', '/x?a=1&Access_Token=%5Bredacted%5D'],
    ['?%74oken=abc', '/x?token=%5Bredacted%5D'],
    ['?api+key=1&code=abc', '/x?api+key=1&code=%5Bredacted%5D'],
    ['?a=1&b=token', '/x?a=1&b=token'],
    ['?tokens=1&b', '/x?tokens=1&b'],
  ])('logs %s as %s', (query, path) => {
    const { logger, parsed } = capture();
    logRequest(logger, new Request(`https://h/x${query}`), new Response(null), 1, 'id');
    expect(parsed()[0]).toMatchObject({ path });
  });
});

describe('logRequest, query keys decoded as URLSearchParams decodes them', () => {
  const SECRET =
    /^(access_token|id_token|refresh_token|token|code|client_secret|password|secret|sig|signature|api[-_]?key)$/i;
  const piece = fc.constantFrom(
    'token',
    'Token',
    '%74oken',
    'to%6Ben',
    '%54OKEN',
    'api',
    '+',
    '%20',
    '_',
    '%5F',
    '-',
    'key',
    'code',
    '%',
    '%FF',
    '%C3%A9',
    '%E2',
    'x',
    's',
    'ig',
  );
  const key = fc.array(piece, { minLength: 1, maxLength: 4 }).map((parts) => parts.join(''));
  it('redacts a value exactly when URLSearchParams would read a secret key', () => {
    fc.assert(
      fc.property(fc.array(key, { minLength: 1, maxLength: 3 }), (keys) => {
        const query = `?${keys.map((k, i) => `${k}=v${i}`).join('&')}`;
        const secret = [...new URLSearchParams(query).keys()].some((k) => SECRET.test(k));
        const { logger, parsed } = capture();
        logRequest(logger, new Request(`https://h/x${query}`), new Response(null), 1, 'id');
        expect(String(parsed()[0]?.path).includes('redacted')).toBe(secret);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('withRequestLogging', () => {
  it('redacts a credential sent as the x-request-id, in the JSON line and its message', async () => {
    const { logger, lines } = capture();
    const { token } = await issueToken(recordingTokenStore(), 'contoso');
    const handler = withRequestLogging(async () => new Response('{}'), logger);
    await handler(new Request('https://x/scim/v2/Users', { headers: { 'x-request-id': token } }));
    expect(lines.length).toBe(1);
    expect(lines[0]).not.toContain(token.slice(-43));
    expect(JSON.parse(lines[0]!)).toMatchObject({ requestId: expect.stringContaining('[redacted]') });
  });

  it('never writes the bearer token it authenticated with', async () => {
    const { logger, lines } = capture();
    const { token } = await issueToken(recordingTokenStore(), 'contoso');
    const handler = withRequestLogging(async (request) => {
      // A careless handler that logs everything it can reach:
      logger.info(
        { headers: request.headers, auth: request.headers.get('authorization') },
        `got ${request.headers.get('authorization')}`,
      );
      return new Response('{}', { status: 200 });
    }, logger);
    await handler(new Request('https://x/scim/v2/Users', { headers: { authorization: `Bearer ${token}` } }));
    await expect(
      withRequestLogging(async () => {
        throw new Error(`token ${token} rejected`);
      }, logger)(new Request('https://x/Users', { headers: { authorization: `Bearer ${token}` } })),
    ).rejects.toThrow();
    expect(lines.length).toBe(3);
    expect(lines.join('')).not.toContain(token);
    expect(lines.join('')).not.toContain(token.slice(-43));
  });

  it('keeps a well-formed x-request-id, generates one otherwise, and returns it', async () => {
    const { logger, parsed } = capture();
    const seen: (string | undefined)[] = [];
    let ticks = 0;
    const handler = withRequestLogging(
      async (request) => {
        seen.push(getRequestId(request));
        return Response.json({ ok: true });
      },
      logger,
      { generateId: () => 'generated', now: () => (ticks += 5) },
    );
    const kept = await handler(new Request('https://x/Users', { headers: { 'x-request-id': 'abc-123' } }));
    const forged = await handler(
      new Request('https://x/Users', { headers: { 'x-request-id': 'a"}{"level":60' } }),
    );
    const long = await handler(
      new Request('https://x/Users', { headers: { 'x-request-id': 'x'.repeat(129) } }),
    );
    const none = await handler(new Request('https://x/Users'));
    expect([kept, forged, long, none].map((r) => r.headers.get('x-request-id'))).toEqual([
      'abc-123',
      'generated',
      'generated',
      'generated',
    ]);
    expect(seen).toEqual(['abc-123', 'generated', 'generated', 'generated']);
    expect(parsed().map((l) => [l.requestId, l.durationMs])).toEqual([
      ['abc-123', 5],
      ['generated', 5],
      ['generated', 5],
      ['generated', 5],
    ]);
    expect(await kept.json()).toEqual({ ok: true });
  });

  it('ignores the client’s id when told not to trust it, and copies responses with immutable headers', async () => {
    const { logger } = capture();
    const upstream = await fetchLikeResponse();
    const handler = withRequestLogging(async () => upstream, logger, {
      trustRequestId: false,
      generateId: () => 'mine',
    });
    const response = await handler(new Request('https://x/Users', { headers: { 'x-request-id': 'theirs' } }));
    expect(response.headers.get('x-request-id')).toBe('mine');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('https://x/elsewhere');
  });
});

/** A response whose headers are immutable, as `Response.redirect` makes. */
async function fetchLikeResponse(): Promise<Response> {
  const response = Response.redirect('https://x/elsewhere', 302);
  expect(() => response.headers.set('x-test', '1')).toThrow();
  return response;
}

describe('fdSink', () => {
  const failure = (code: string) => Object.assign(new Error(code), { code });

  it('writes the rest of a partial write, byte-exact across a multi-byte character', () => {
    const out: Buffer[] = [];
    // Writes at most 5 bytes per call: 'é' (2 bytes) is cut in two.
    const write = (_fd: number, data: string | Uint8Array) => {
      const bytes = Buffer.from(typeof data === 'string' ? Buffer.from(data) : data).subarray(0, 5);
      out.push(bytes);
      return bytes.length;
    };
    fdSink(1, write, () => undefined).write('abcdé-fgh\n');
    expect(Buffer.concat(out).toString()).toBe('abcdé-fgh\n');
    expect(out.length).toBe(3);
  });

  it('waits out a full pipe, stops for good at a closed one, and throws any other error', () => {
    const waits: number[] = [];
    const written: string[] = [];
    const errors = [failure('EAGAIN'), failure('EBUSY')];
    const write = (_fd: number, data: string | Uint8Array) => {
      const error = errors.shift();
      if (error !== undefined) throw error;
      written.push(String(data));
      return Buffer.byteLength(String(data));
    };
    fdSink(1, write, (ms) => waits.push(ms)).write('line\n');
    expect(written).toEqual(['line\n']);
    expect(waits).toEqual([BUSY_WAIT_MS, BUSY_WAIT_MS]);

    let calls = 0;
    const closed = fdSink(1, () => {
      calls++;
      throw failure('EPIPE');
    });
    closed.write('a\n');
    closed.write('b\n');
    expect(calls).toBe(1);

    const broken = fdSink(1, () => {
      throw failure('EBADF');
    });
    expect(() => broken.write('a\n')).toThrow('EBADF');
  });
});

describe('batchedDestination', () => {
  it('writes the lines of one tick in one write, in order, and nothing before the tick ends', () => {
    const writes: string[] = [];
    const ticks: (() => void)[] = [];
    const destination = batchedDestination({ write: (chunk) => writes.push(chunk) }, (f) => ticks.push(f));
    const logger = createLogger({ destination });
    for (let i = 0; i < 3; i++) logger.info({ i }, `line ${i}`);
    expect(writes).toEqual([]);
    expect(ticks).toHaveLength(1);
    ticks.shift()!();
    expect(writes).toHaveLength(1);
    const lines = writes[0]!.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => (JSON.parse(l) as { i: number }).i)).toEqual([0, 1, 2]);
    logger.info({ i: 3 }, 'next tick');
    ticks.shift()!();
    expect(writes).toHaveLength(2);
    expect(ticks).toHaveLength(0);
  });

  it('writes at once when a tick has logged 64 KiB', () => {
    const writes: string[] = [];
    const destination = batchedDestination({ write: (chunk) => writes.push(chunk) }, () => undefined);
    const logger = createLogger({ destination });
    for (let i = 0; i < 1_000; i++) logger.info({ filler: 'x'.repeat(100) }, 'big');
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.every((w) => w.endsWith('\n'))).toBe(true);
  });

  it('loses no line and splits none when the process exits right after logging', async () => {
    const script = [
      "import { createLogger } from './src/log.ts';",
      'const logger = createLogger();',
      "for (let i = 0; i < 5000; i++) logger.info({ i }, 'x'.repeat(200));",
      'process.exit(0);',
    ].join('\n');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--conditions=@scim/source', '--no-warnings', '--input-type=module', '--eval', script],
      { cwd: join(import.meta.dirname, '..'), maxBuffer: 64 * 1024 * 1024 },
    );
    const lines = stdout.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => (JSON.parse(l) as { i: number }).i)).toEqual(
      Array.from({ length: 5000 }, (_, i) => i),
    );
  }, 30_000);
});

describe('request lines, byte for byte as pino writes them', () => {
  /** Any UTF-16 code unit (lone surrogates too), and what JSON or the redaction treat specially. */
  const unit = fc.oneof(
    fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
    fc.constantFrom(
      '"',
      '\\',
      '\n',
      '\u0000',
      '\u007f',
      '\u2028',
      '😀',
      'é',
      '%',
      '%22',
      'scim_',
      'Bearer ',
      'eyJ',
    ),
  );
  const text = fc.string({ unit, maxLength: 30 });
  /** What a header may carry (fetch's Headers refuses the rest). */
  const headerText = text.map((value) => value.replace(/[^\x20-\xff]/g, ''));
  const method = fc.constantFrom(
    'GET',
    'POST',
    'PUT',
    'PATCH',
    'DELETE',
    'HEAD',
    'OPTIONS',
    'propfind',
    'M-SEARCH',
  );
  const status = fc.constantFrom(200, 201, 204, 400, 404, 409, 500, 503);
  const url = fc.webUrl({ withQueryParameters: true, withFragments: false });
  /** A line with its time masked: the two lines of a case may be written in different milliseconds. */
  const masked = (line: string) => line.replace(/^(\{"level":\d+,"time":")[^"]*"/, '$1T"');
  /**
   * pino's line as ours is: with each lone surrogate escaped as JSON.stringify escapes it (`\ud800`),
   * where pino writes it as it is (which becomes U+FFFD, or invalid JSON text, once encoded).
   */
  const asOurs = (line: string) =>
    line.replace(
      /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
      (unit) => `\\u${unit.charCodeAt(0).toString(16)}`,
    );
  /** A logger of createLogger and its child with no bindings (whose lines pino writes itself), both writing to `lines`. */
  const loggers = () => {
    const lines: string[] = [];
    const own = createLogger({
      level: 'debug',
      name: 'scim',
      destination: { write: (l: string) => lines.push(l) },
    });
    return { lines, own, pino: own.child({}) };
  };

  it('escapes a lone surrogate as JSON.stringify does, where pino writes it as it is', () => {
    const { lines, own, pino } = loggers();
    for (const logger of [own, pino]) {
      logRequest(logger, new Request('https://x/'), new Response(null), 0, 'a', {
        principal: 'x\udc00\ud800y',
      });
    }
    expect(lines[0]).toContain('"principal":"x\\udc00\\ud800y"');
    expect(lines[1]).toContain('"principal":"x\udc00\ud800y"');
  });

  it('logRequest writes what pino writes, for any method, path, header, status, duration, id and details', () => {
    fc.assert(
      fc.property(
        method,
        url,
        fc.option(headerText, { nil: undefined }),
        fc.option(fc.oneof(fc.nat().map(String), headerText), { nil: undefined }),
        status,
        fc.double({ min: 0, max: 1e7, noNaN: true }),
        text,
        fc.option(text, { nil: undefined }),
        fc.option(text, { nil: undefined }),
        (verb, href, userAgent, length, code, ms, requestId, tenant, principal) => {
          const { lines, own, pino } = loggers();
          const headers: Record<string, string> = {};
          if (userAgent !== undefined) headers['user-agent'] = userAgent;
          if (length !== undefined) headers['content-length'] = length;
          const request = new Request(href, { method: verb, headers });
          const details = {
            ...(tenant === undefined ? {} : { tenant }),
            ...(principal === undefined ? {} : { principal }),
          };
          for (const logger of [own, pino]) {
            logRequest(logger, request, new Response(null, { status: code }), ms, requestId, details);
          }
          expect(lines).toHaveLength(2);
          expect(masked(lines[0]!)).toBe(asOurs(masked(lines[1]!)));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('withRequestLogging’s pipeline writes what pino writes, with the ids it makes and the ids clients send', async () => {
    await fc.assert(
      fc.asyncProperty(
        method,
        url,
        fc.option(headerText, { nil: undefined }),
        // Well-formed ids are kept (a credential-like one redacted in the line), others replaced.
        fc.option(fc.oneof(fc.stringMatching(/^[A-Za-z0-9._:@/+=-]{1,40}$/), headerText), { nil: undefined }),
        status,
        fc.double({ min: 0, max: 1e4, noNaN: true }),
        async (verb, href, userAgent, presented, code, ms) => {
          const { lines, own, pino } = loggers();
          const inner = withPipeline(
            async () => new Response(null),
            async () => ({ status: code, headers: { 'content-type': 'application/scim+json' }, body: null }),
          );
          const headers: Record<string, string> = {};
          if (userAgent !== undefined) headers['user-agent'] = userAgent;
          if (presented !== undefined) headers['x-request-id'] = presented;
          const ids: string[] = [];
          for (const logger of [own, pino]) {
            let clock = 0;
            const logged = pipelineOf(withRequestLogging(inner, logger, { now: () => (clock += ms) }))!;
            const reply = await logged(fromFetch(new Request(href, { method: verb, headers }), undefined));
            ids.push(replyHeader(reply, 'x-request-id')!);
          }
          expect(lines).toHaveLength(2);
          // Each line has the id its request got: a new UUID each time, unless the client's was kept.
          expect(masked(lines[0]!).replace(ids[0]!, 'ID')).toBe(
            asOurs(masked(lines[1]!)).replace(ids[1]!, 'ID'),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('batchedDestination, to a sink that takes bytes', () => {
  /** A sink that takes bytes and keeps a copy of each write (the destination reuses its buffer). */
  const byteSink = () => {
    const writes: (string | Buffer)[] = [];
    const sink = {
      takesBytes: true as const,
      write: (chunk: string | Uint8Array) => {
        writes.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk));
      },
    };
    return { writes, sink, bytes: () => Buffer.concat(writes.map((w) => Buffer.from(w))) };
  };

  it('writes each batch as the UTF-8 bytes of its lines, in order, once its tick ends', () => {
    const { writes, sink } = byteSink();
    const ticks: (() => void)[] = [];
    const destination = batchedDestination(sink, (flush) => ticks.push(flush));
    for (const line of ['a\n', 'é😀\n', '"\u2028"\n']) destination.write(line);
    expect(writes).toEqual([]);
    expect(ticks).toHaveLength(1);
    ticks.shift()!();
    destination.write('b\n');
    ticks.shift()!();
    expect(writes).toEqual([Buffer.from('a\né😀\n"\u2028"\n'), Buffer.from('b\n')]);
  });

  it('writes what fills its buffer first, and a line longer than the buffer as it is, in order', () => {
    const { writes, sink } = byteSink();
    const destination = batchedDestination(sink, () => undefined);
    const [a, b, c] = ['a', 'b', 'c'].map((letter) => `${letter.repeat(20_000)}\n`);
    const d = `${'d'.repeat(25_000)}\n`; // does not fit beside a, b and c (at 3 bytes a unit at most)
    const huge = `${'h'.repeat(50_000)}\n`; // longer than the buffer at 3 bytes a unit
    for (const line of [a, b, c, d, huge]) destination.write(line!);
    destination.flush();
    expect(writes.map((w) => w.toString())).toEqual([`${a}${b}${c}`, d, huge]);
    expect(typeof writes[2]).toBe('string');
  });

  it('writes the bytes writing the text would write, for any lines and batches', () => {
    // Small pieces, and large ones: lines of every size up to several times the 128 KiB buffer.
    const unit = fc.oneof(
      { arbitrary: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)), weight: 4 },
      { arbitrary: fc.constantFrom('é', '😀', '\n'), weight: 2 },
      { arbitrary: fc.constantFrom('x'.repeat(3_000), '€'.repeat(8_000), '😀'.repeat(4_000)), weight: 1 },
    );
    const line = fc.tuple(fc.string({ unit, maxLength: 12 }), fc.boolean());
    fc.assert(
      fc.property(fc.array(line, { maxLength: 60 }), (lines) => {
        const { sink, bytes } = byteSink();
        const ticks: (() => void)[] = [];
        const destination = batchedDestination(sink, (flush) => ticks.push(flush));
        for (const [text, tickEnds] of lines) {
          destination.write(`${text}\n`);
          if (tickEnds) for (const flush of ticks.splice(0)) flush();
        }
        destination.flush();
        // Lone surrogates included: Buffer.from writes each as U+FFFD, as a write of the text does.
        expect(bytes().equals(Buffer.from(lines.map(([text]) => `${text}\n`).join('')))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('fdSink writes the rest of a partial write of bytes too', () => {
    const out: Buffer[] = [];
    const write = (_fd: number, data: string | Uint8Array) => {
      const bytes = Buffer.from(typeof data === 'string' ? Buffer.from(data) : data).subarray(0, 5);
      out.push(bytes);
      return bytes.length;
    };
    fdSink(1, write, () => undefined).write(Buffer.from('abcdé-fgh\n'));
    expect(Buffer.concat(out).toString()).toBe('abcdé-fgh\n');
    expect(out.length).toBe(3);
  });
});

describe('isoTimeOfMillisecond', () => {
  const iso = (ms: number) => `,"time":"${new Date(ms).toISOString()}"`;

  it('writes what toISOString writes at minute, day and year edges, in any order', () => {
    const edges = [
      0,
      60_000,
      86_400_000,
      Date.UTC(2026, 11, 31, 23, 59, 59, 999),
      Date.UTC(10_000, 0),
      -62_198_755_200_000,
      8.64e15,
    ];
    const times = edges.flatMap((edge) => [-60_001, -1, 0, 1, 999, 1_000, 59_999].map((step) => edge + step));
    for (const ms of [...times, ...times.reverse()].filter((ms) => Math.abs(ms) <= 8.64e15)) {
      expect(isoTimeOfMillisecond(ms)).toBe(iso(ms));
    }
  });

  it('writes what toISOString writes for any millisecond a Date can hold, called in any order', () => {
    const anyTime = fc.double({ min: -8.64e15, max: 8.64e15, noNaN: true }).map(Math.trunc);
    // Times close together (the same millisecond, minute or day) and far apart, one after the other.
    const step = fc.oneof(
      fc.constant(0),
      fc.integer({ min: -1_000, max: 1_000 }),
      fc.integer({ min: -1e8, max: 1e8 }),
    );
    fc.assert(
      fc.property(anyTime, fc.array(step, { maxLength: 30 }), (start, steps) => {
        let ms = start;
        for (const delta of [0, ...steps]) {
          ms = Math.max(-8.64e15, Math.min(8.64e15, ms + delta));
          expect(isoTimeOfMillisecond(ms)).toBe(iso(ms));
        }
      }),
      { numRuns: 500 },
    );
  });
});
