import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
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
 * none. 200 with the counts when stored; 422 with the rejected rows when nothing was stored.
 */
export function uploadRouter(db: Database, principalFor: PrincipalFor): Router {
  const router = Router();
  router.post('/imports', async (req: Request, res: Response) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'alp-upload-'));
    try {
      const principal = principalFor(req);
      const { kind, filename, file } = await receive(req, dir);
      const result = await importFile(
        db,
        principal,
        kind,
        { path: file },
        {
          format: /\.xlsx$/i.test(filename) ? 'xlsx' : 'csv',
          audit: { operation: 'POST /imports', file: filename },
        },
      );
      res.status(result.errors.length || result.errorsNotListed ? 422 : 200).json(result);
    } catch (err) {
      if (err instanceof DomainError) {
        const status = err.code.endsWith('FORBIDDEN') ? 403 : err.code === 'PAYLOAD_TOO_LARGE' ? 413 : 400;
        res.status(status).json({ errors: [{ message: err.message, extensions: { code: err.code } }] });
      } else if (databaseFailure(err)) {
        const failure = databaseFailure(err) as NonNullable<ReturnType<typeof databaseFailure>>;
        logger.warn({ err, failure: failure.kind }, 'database failure during an upload');
        res.status(503).json({
          errors: [
            {
              message: `${failure.message}; nothing was stored`,
              extensions: { code: DATABASE_CODES[failure.kind] },
            },
          ],
        });
      } else {
        logger.error({ err }, 'upload failed');
        res.status(500).json({
          errors: [
            {
              message: 'the import failed; nothing was stored',
              extensions: { code: 'INTERNAL_SERVER_ERROR' },
            },
          ],
        });
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
  return router;
}

class UploadError extends DomainError {}

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
    });
    bb.on('error', () =>
      reject(new IngestError('INGEST_BAD_REQUEST', 'the multipart body could not be read')),
    );
    bb.on('close', () => {
      if (!written) {
        reject(new IngestError('INGEST_BAD_REQUEST', 'no file: send it in the field named file'));
        return;
      }
      written
        .then(({ filename, file }) => {
          if (!kind || !isImportKind(kind))
            throw new IngestError(
              'INGEST_UNKNOWN_KIND',
              'the field kind must name an import kind, sent before the file',
              'kind',
            );
          resolve({ kind, filename, file });
        })
        .catch(reject);
    });
    req.pipe(bb);
  });
}
