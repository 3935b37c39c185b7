// Errors of the container runtime; `status` is the Engine API status the routes answer with.
export class RuntimeError extends Error {
  override name = 'RuntimeError';
  constructor(readonly status: 400 | 404 | 409 | 500 | 501, message: string) {
    super(message);
  }
}

export const noSuchContainer = (id: string) => new RuntimeError(404, `No such container: ${id}`);
export const invalid = (message: string) => new RuntimeError(400, message);
export const conflict = (message: string) => new RuntimeError(409, message);
export const notSupported = (message: string) => new RuntimeError(501, message);
