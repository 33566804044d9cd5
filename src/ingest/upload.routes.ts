import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { finished, pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { Request, Response, Router } from 'express';
import type { Database } from '../db/database';
import { databaseFailure } from '../db/db-failure';
import { DomainError } from '../errors';
import { logger } from '../logger';
import type { PrincipalFor } from '../server/context';
import { DATABASE_CODES } from '../server/format-error';
import { importFile } from './import.service';
import { IngestError } from './ingest-error';
import { isImportKind } from './kind-definition';

/** The largest file accepted over HTTP; a year of an authority's registers is about 30 MB. */
export const MAX_MULTIPART_BYTES = 100 * 1024 * 1024;

/**
 * POST /imports: a file as multipart/form-data (field `kind`, then the file in field `file`), streamed
 * to a temporary file (memory does not grow with it) and imported like the CLI's files: all rows or
 * none. 200 with the counts when stored; 422 with the rejected rows when nothing was stored. The
 * temporary folder is removed before the answer, whatever the outcome (an aborted upload included).
 */
export function uploadRouter(db: Database, principalFor: PrincipalFor, opts: { dir?: string } = {}): Router {
  const router = Router();
  router.post('/imports', async (req: Request, res: Response) => {
    const { status, body } = await upload(db, principalFor, req, opts.dir ?? os.tmpdir());
    res.status(status).json(body);
  });
  return router;
}

async function upload(
  db: Database,
  principalFor: PrincipalFor,
  req: Request,
  root: string,
): Promise<{ status: number; body: unknown }> {
  let dir: string | undefined;
  try {
    const principal = principalFor(req);
    dir = await mkdtemp(path.join(root, 'alp-upload-')).catch((err) => {
      throw new UploadStorageError(err);
    });
    const { kind, filename, file } = await receive(req, dir);
    const result = await importFile(
      db,
      principal,
      kind,
      { path: file },
      {
        format: /\.xlsx$/i.test(filename) ? 'xlsx' : 'csv',
        fileName: filename,
        audit: { operation: 'POST /imports' },
      },
    );
    return { status: result.errors.length || result.errorsNotListed ? 422 : 200, body: result };
  } catch (err) {
    return failure(err);
  } finally {
    if (dir)
      await rm(dir, { recursive: true, force: true }).catch((err) =>
        logger.error({ err }, "an upload's temporary folder could not be removed"),
      );
  }
}

function failure(err: unknown): { status: number; body: unknown } {
  const error = (message: string, code: string) => ({ errors: [{ message, extensions: { code } }] });
  if (err instanceof DomainError) {
    const status = err.code.endsWith('FORBIDDEN') ? 403 : err.code === 'PAYLOAD_TOO_LARGE' ? 413 : 400;
    return { status, body: error(err.message, err.code) };
  }
  if (err instanceof UploadStorageError) {
    logger.error({ err: err.cause }, 'an upload could not be written to its temporary folder');
    return {
      status: 503,
      body: error(
        'the server could not write the upload to its temporary folder; nothing was stored',
        'UPLOAD_NOT_STORED',
      ),
    };
  }
  const lost = databaseFailure(err);
  if (lost) {
    logger.warn({ err, failure: lost.kind }, 'database failure during an upload');
    return { status: 503, body: error(`${lost.message}; nothing was stored`, DATABASE_CODES[lost.kind]) };
  }
  logger.error({ err }, 'upload failed');
  return { status: 500, body: error('the import failed; nothing was stored', 'INTERNAL_SERVER_ERROR') };
}

class UploadError extends DomainError {}

/** The temporary folder or file could not be written (a full disk, no permission): the server's fault. */
class UploadStorageError extends Error {
  constructor(cause: unknown) {
    super('an upload could not be written to its temporary folder', { cause });
  }
}

const unreadable = () => new IngestError('INGEST_BAD_REQUEST', 'the multipart body could not be read');

/**
 * Reads the body into `dir`/upload. Settles only once the temporary file is closed, so that the
 * caller can remove the folder, and, on a failure, once the rest of the body has been read (and
 * dropped) or the client has gone, so that the answer reaches a client still sending.
 */
function receive(
  req: Request,
  dir: string,
): Promise<{ kind: import('./kind-definition').ImportKind; filename: string; file: string }> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: req.headers, limits: { files: 1, fileSize: MAX_MULTIPART_BYTES, fields: 5 } });
    } catch {
      reject(
        new IngestError('INGEST_BAD_REQUEST', 'send the file as multipart/form-data (fields kind, file)'),
      );
      return;
    }
    let kind: string | undefined;
    let written: Promise<{ filename: string; file: string }> | undefined;
    let failed = false;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      req.unpipe(bb);
      // busboy waits forever on a file stream that was destroyed by a failed write: stop it
      bb.destroy();
      req.resume();
      void Promise.allSettled([written, finished(req)]).then(() => reject(err));
    };
    bb.on('field', (name, value) => {
      if (name === 'kind') kind = value;
    });
    bb.on('file', (_name, stream, info) => {
      const file = path.join(dir, 'upload');
      let truncated = false;
      stream.on('limit', () => {
        truncated = true;
      });
      written = pipeline(stream, createWriteStream(file)).then(() => {
        if (truncated)
          throw new UploadError(
            'PAYLOAD_TOO_LARGE',
            `a file sent over HTTP is at most ${MAX_MULTIPART_BYTES / 1048576} MB; import bigger files with the CLI`,
          );
        return { filename: info.filename || 'upload.csv', file };
      });
      // handled at once: a write that fails while the body is still arriving would otherwise be an
      // unhandled rejection, which stops the server. The file stream fails for the body's faults too
      // (busboy destroys it); only the file system's errors carry a syscall.
      written.catch((err) =>
        fail(
          err instanceof DomainError
            ? err
            : typeof (err as NodeJS.ErrnoException)?.syscall === 'string'
              ? new UploadStorageError(err)
              : unreadable(),
        ),
      );
    });
    bb.on('error', () => fail(unreadable()));
    // a client gone mid-body: busboy would wait for the rest forever
    req.on('close', () => {
      if (!req.complete) fail(new IngestError('INGEST_BAD_REQUEST', 'the upload ended before its last byte'));
    });
    bb.on('close', () => {
      if (failed) return;
      if (!written) {
        reject(new IngestError('INGEST_BAD_REQUEST', 'no file: send it in the field named file'));
        return;
      }
      written.then(
        ({ filename, file }) => {
          if (!kind || !isImportKind(kind))
            reject(
              new IngestError(
                'INGEST_UNKNOWN_KIND',
                'the field kind must name an import kind, sent before the file',
                'kind',
              ),
            );
          else resolve({ kind, filename, file });
        },
        () => undefined /* handled where the file is written */,
      );
    });
    req.pipe(bb);
  });
}
