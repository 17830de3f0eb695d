// Reads the settings form, sent as multipart/form-data (it carries the logo file), with busboy:
// text fields into req.body (so the CSRF check reads its token as for any form), the one file
// kept in memory up to its limit. A file over the limit is noted, not kept; nothing goes to disk.
import busboy from 'busboy';
import type { Request, RequestHandler } from 'express';
import { badRequest } from '../http/errors';

export interface Upload {
  data: Buffer;
  /** True when the file was larger than the limit (then `data` is only its start). */
  tooBig: boolean;
  bytesSeen: number;
}

const UPLOADS = new WeakMap<Request, Upload>();

/** The file sent in the form's file field, if one was chosen. */
export function uploadOf(req: Request): Upload | undefined {
  return UPLOADS.get(req);
}

export function readMultipart(opts: { fileField: string; maxFileBytes: number; maxFieldBytes: number; maxFields: number }): RequestHandler {
  return (req, _res, next) => {
    if (!req.is('multipart/form-data')) return next();
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: req.headers, limits: { fileSize: opts.maxFileBytes, files: 1, fields: opts.maxFields, fieldSize: opts.maxFieldBytes, parts: opts.maxFields + 1 } });
    } catch {
      return next(badRequest('The form could not be read. Reload the page and send it again.'));
    }
    const body: Record<string, string> = {};
    let done = false;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      req.body = body;
      next(err);
    };
    bb.on('field', (name, value, info) => {
      if (info.valueTruncated) body[`${name}.tooLong`] = 'yes';
      body[name] = value;
    });
    bb.on('file', (name, stream) => {
      const chunks: Buffer[] = [];
      let seen = 0;
      let tooBig = false;
      stream.on('data', (c: Buffer) => {
        seen += c.length;
        if (name === opts.fileField && !tooBig) chunks.push(c);
      });
      stream.on('limit', () => (tooBig = true));
      stream.on('close', () => {
        if (name === opts.fileField && seen > 0) UPLOADS.set(req, { data: Buffer.concat(chunks), tooBig, bytesSeen: seen });
      });
    });
    bb.on('error', () => {
      req.unpipe(bb);
      req.resume();
      finish(badRequest('The form could not be read completely. Reload the page and send it again.'));
    });
    bb.on('close', () => finish());
    req.pipe(bb);
  };
}
