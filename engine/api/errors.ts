// Errors that carry an HTTP status, mapped like moby's errdefs (NotFound 404, InvalidArgument 400, …).
// Every error the API returns is JSON `{"message": "…"}` (see router.ts).

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

export const notFound = (message: string) => new ApiError(404, message);
export const badRequest = (message: string) => new ApiError(400, message);
export const conflict = (message: string) => new ApiError(409, message);
export const unauthorized = (message: string) => new ApiError(401, message);
export const notImplemented = (message: string) => new ApiError(501, message);

/**
 * The HTTP status for any thrown value: ApiError keeps its own; errors from other engine modules may
 * carry a numeric `status`/`statusCode` or a `kind`/`code`/`name` naming the kind (NOT_FOUND, INVALID_ARGUMENT,
 * CONFLICT, UNAUTHORIZED, FORBIDDEN); everything else is 500.
 */
export function statusOf(err: unknown): number {
  if (err instanceof ApiError) return err.status;
  const e = err as { status?: unknown; statusCode?: unknown; kind?: unknown; code?: unknown; name?: unknown } | undefined;
  for (const s of [e?.status, e?.statusCode]) if (typeof s === 'number' && s >= 400 && s < 600) return s;
  const kind = String(e?.kind ?? e?.code ?? e?.name ?? '').toUpperCase().replace(/ERROR$/, '');
  const byKind: Record<string, number> = {
    NOT_FOUND: 404, NOTFOUND: 404,
    INVALID_ARGUMENT: 400, INVALIDARGUMENT: 400, INVALID_REFERENCE: 400, INVALIDREFERENCE: 400, INVALIDDIGEST: 400,
    CONFLICT: 409, UNAUTHORIZED: 401, FORBIDDEN: 403, NOT_IMPLEMENTED: 501,
  };
  return byKind[kind] ?? 500;
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
