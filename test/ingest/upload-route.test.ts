import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { startTestApi, TestApi } from '../support/api-server';

const BOUNDARY = 'alp-test-boundary';
const PROVIDERS = 'provider_ref,name,on_framework,registered\nALP-1,Test Provider,yes,no\n';

/** A multipart body in the order the route reads it: the field `kind`, the file part's headers, its bytes. */
const kindPart = `--${BOUNDARY}\r\ncontent-disposition: form-data; name="kind"\r\n\r\nproviders\r\n`;
const fileHead = `--${BOUNDARY}\r\ncontent-disposition: form-data; name="file"; filename="providers.csv"\r\ncontent-type: text/csv\r\n\r\n`;
const tail = `\r\n--${BOUNDARY}--\r\n`;

/** Resolves once `check` returns a value; fails the test when it has not within `ms`. */
async function until<T>(what: string, check: () => T | undefined, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The route's own temporary folders (alp-upload-*) in `dir`. */
const uploadFolders = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.startsWith('alp-upload-'))
    .map((f) => path.join(dir, f));

describe('POST /imports: the temporary file of an upload', () => {
  let api: TestApi;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'alp-upload-test-'));
    api = await startTestApi({ uploadDir: dir });
  });
  afterAll(async () => {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A multipart request written by hand, so that the test decides when each part is sent. */
  function open() {
    const req = http.request(`${api.base}/imports`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${api.adminToken}`,
        'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
      },
    });
    const answer = new Promise<{ status: number; body: { errors?: unknown[] } }>((resolve, reject) => {
      req.on('response', (res) => {
        let text = '';
        res.on('data', (d) => {
          text += d;
        });
        res.on('end', () => resolve({ status: res.statusCode as number, body: JSON.parse(text) }));
      });
      req.on('error', reject);
    });
    return { req, answer };
  }

  const uploadOf = async (name: string) =>
    request(api.base)
      .post('/imports')
      .set('authorization', `Bearer ${api.adminToken}`)
      .field('kind', 'providers')
      .attach('file', Buffer.from(PROVIDERS), name);

  it('an upload the client aborts leaves no temporary file, and the next upload is imported', async () => {
    const { req, answer } = open();
    answer.catch(() => undefined);
    req.write(kindPart + fileHead);
    req.write(`${PROVIDERS}${'ALP-2,Second,yes,no\n'.repeat(5000)}`);
    await until('the upload written to its temporary file', () => {
      const file = uploadFolders(dir).map((d) => path.join(d, 'upload'))[0];
      return file && statSync(file, { throwIfNoEntry: false })?.size ? file : undefined;
    });
    req.destroy();
    await until('the temporary folder removed', () => (uploadFolders(dir).length === 0 ? true : undefined));

    const next = await uploadOf('providers.csv');
    expect(next.status).toBe(200);
    expect(next.body).toMatchObject({ kind: 'providers', rows: 1, errors: [] });
    expect(uploadFolders(dir)).toEqual([]);
  });

  it('a temporary file that cannot be written is answered with an error, and the server goes on', async () => {
    const before = new Set(uploadFolders(dir));
    const { req, answer } = open();
    req.write(kindPart);
    const folder = await until('the upload folder made', () =>
      uploadFolders(dir).find((f) => !before.has(f)),
    );
    // a folder where the temporary file goes: opening it for writing fails (EISDIR), as on a full disk
    mkdirSync(path.join(folder, 'upload'));
    // more than one chunk, so that the write fails while the body is still arriving
    req.end(`${fileHead}${PROVIDERS}${'ALP-2,Second,yes,no\n'.repeat(50_000)}${tail}`);
    const res = await answer;
    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      errors: [
        {
          message: 'the server could not write the upload to its temporary folder; nothing was stored',
          extensions: { code: 'UPLOAD_NOT_STORED' },
        },
      ],
    });
    expect(existsSync(folder)).toBe(false);

    const next = await uploadOf('providers.csv');
    expect(next.status).toBe(200);
  });

  it('a temporary folder that does not exist is answered with the same error', async () => {
    const missing = await startTestApi({ uploadDir: path.join(dir, 'missing') });
    try {
      const res = await request(missing.base)
        .post('/imports')
        .set('authorization', `Bearer ${missing.adminToken}`)
        .field('kind', 'providers')
        .attach('file', Buffer.from(PROVIDERS), 'providers.csv');
      expect(res.status).toBe(503);
      expect(res.body.errors[0].extensions).toEqual({ code: 'UPLOAD_NOT_STORED' });
    } finally {
      await missing.close();
    }
  });

  it('a body without a file, or with a kind that is not one, is refused and leaves no temporary file', async () => {
    const noFile = await request(api.base)
      .post('/imports')
      .set('authorization', `Bearer ${api.adminToken}`)
      .field('kind', 'providers');
    // the body first: a failure then says what the server answered
    expect(noFile.body.errors[0]).toEqual({
      message: 'no file: send it in the field named file',
      extensions: { code: 'INGEST_BAD_REQUEST' },
    });
    expect(noFile.status).toBe(400);
    const unknownKind = await request(api.base)
      .post('/imports')
      .set('authorization', `Bearer ${api.adminToken}`)
      .field('kind', 'sweets')
      .attach('file', Buffer.from(PROVIDERS), 'providers.csv');
    expect(unknownKind.status).toBe(400);
    expect(unknownKind.body.errors[0].extensions).toEqual({ code: 'INGEST_UNKNOWN_KIND' });
    expect(uploadFolders(dir)).toEqual([]);
  });
});
