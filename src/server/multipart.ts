import type { FastifyRequest } from 'fastify';
import { isStorableText } from './input-safety.ts';
import { badRequest, Problem } from './problems.ts';

/**
 * Reads a multipart/form-data upload: its text fields and its one file (field `file`). Not multipart is a 415,
 * no file a 400, and a file over `maxBytes` the Problem that `tooLarge` makes (a 413 naming the limit).
 * The route must have registered @fastify/multipart with `throwFileSizeLimit: true`.
 */
export async function readMultipart(request: FastifyRequest, maxBytes: number, tooLarge: () => Problem) {
  if (!request.isMultipart()) throw new Problem(415, 'not_multipart', 'Send the file as multipart/form-data', { field: 'file' });
  const fields: Record<string, string> = {};
  let file: { data: Buffer; mimetype: string; filename: string } | null = null;
  try {
    for await (const part of request.parts({ limits: { fileSize: maxBytes, files: 1, fields: 10 } })) {
      if (part.type === 'file') file = { data: await part.toBuffer(), mimetype: part.mimetype, filename: part.filename };
      else {
        if (!isStorableText(part.fieldname)) throw badRequest('body', 'A field name contains a character that cannot be stored');
        if (!isStorableText(String(part.value))) throw badRequest(part.fieldname, 'Contains a character that cannot be stored');
        fields[part.fieldname] = String(part.value);
      }
    }
  } catch (error) {
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
    if (error instanceof Problem) throw error;
    // The plugin's own refusals (too many parts or fields) carry their 4xx; anything else is a body that does not parse.
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) throw error;
    throw new Problem(400, 'malformed_body', 'The multipart/form-data body is malformed', { field: 'body' });
  }
  if (!file) throw badRequest('file', 'A file is required');
  if (!isStorableText(file.filename)) throw badRequest('file', 'The file name contains a character that cannot be stored');
  return { fields, file };
}
