// Errors the image store raises; `kind` maps onto the Engine API status codes (A maps them).

export type ImageErrorKind = 'notFound' | 'conflict' | 'invalidArgument';

export class ImageError extends Error {
  override name = 'ImageError';
  constructor(readonly kind: ImageErrorKind, message: string) {
    super(message);
  }
}

export const notFound = (what: string) => new ImageError('notFound', `No such image: ${what}`);
