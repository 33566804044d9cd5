import { Principal } from '../auth/principal';
import { Database } from '../db/database';
import { ImportOptions, importFile } from './import.service';
import { IngestError } from './ingest-error';
import { ImportKind, ImportResult } from './kind-definition';

export type UploadEncoding = 'utf8' | 'base64';

export interface Upload {
  kind: ImportKind;
  /** Only its extension matters: `.xlsx` is a workbook, anything else CSV. */
  filename: string;
  content: string;
  encoding: UploadEncoding;
}

/** The largest file accepted through the API; bigger files go through the CLI, which streams them. */
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * A file sent as a string (UTF-8 text, or base64 for a workbook), imported like any other file, with
 * the audit row `audit` (ImportOptions) naming the file by its filename.
 */
export async function importUpload(
  db: Database,
  principal: Principal,
  upload: Upload,
  audit?: ImportOptions['audit'],
): Promise<ImportResult> {
  const format = /\.xlsx$/i.test(upload.filename) ? 'xlsx' : 'csv';
  if (format === 'xlsx' && upload.encoding !== 'base64')
    throw new IngestError('INGEST_BAD_REQUEST', 'an .xlsx workbook is sent base64-encoded', 'encoding');
  let content: Buffer;
  if (upload.encoding === 'base64') {
    const compact = upload.content.replace(/\s+/g, '');
    if (!BASE64.test(compact))
      throw new IngestError('INGEST_BAD_REQUEST', 'content is not base64', 'content');
    content = Buffer.from(compact, 'base64');
  } else {
    content = Buffer.from(upload.content, 'utf8');
  }
  if (content.length > MAX_UPLOAD_BYTES)
    throw new IngestError(
      'INGEST_BAD_REQUEST',
      `a file sent through the API is at most ${MAX_UPLOAD_BYTES / 1048576} MB; import bigger files with the CLI`,
      'content',
    );
  return importFile(db, principal, upload.kind, { content }, { format, fileName: upload.filename, audit });
}
