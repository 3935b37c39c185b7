// Registry errors with the kind the API maps to a status code and a message written like Docker's.

export type RegistryErrorKind =
  | 'unauthorized' // 401: no or wrong credentials
  | 'denied' // 403 / DENIED
  | 'notFound' // 404: repository, manifest or blob unknown
  | 'tooManyRequests' // 429 TOOMANYREQUESTS
  | 'digestMismatch'
  | 'unsupportedMediaType'
  | 'unreachable' // DNS, refused, TLS
  | 'invalid' // malformed manifest, realm rejected, …
  | 'server'; // 5xx after retries

export class RegistryError extends Error {
  override name = 'RegistryError';
  constructor(readonly kind: RegistryErrorKind, message: string, readonly status?: number) {
    super(message);
  }
}

/** Formats the distribution-spec error body `{errors:[{code,message,detail}]}` like Docker does. */
export function describeErrorBody(body: string): string | undefined {
  try {
    const j = JSON.parse(body) as { errors?: Array<{ code?: string; message?: string }> };
    if (!Array.isArray(j.errors) || !j.errors.length) return undefined;
    return j.errors.map((e) => `${String(e.code ?? 'unknown').toLowerCase()}: ${e.message ?? ''}`).join(', ');
  } catch {
    return undefined;
  }
}
