// textDocument/documentLink: each FROM image links to its page on its registry (Docker Hub for
// docker.io images, else the registry host). Images with variables or invalid references get none.
import type { DocumentLink } from 'vscode-languageserver';
import type { DockerfileModel } from '../../engine/dockerfile';
import { parseImageReference } from '../../engine/dockerfile/lint/values/reference';

export function documentLinks(model: DockerfileModel): DocumentLink[] {
  const links: DocumentLink[] = [];
  for (const stage of model.stages) {
    const image = stage.from.image;
    if (stage.base.kind !== 'image' || !image || image.text.includes('$')) continue;
    const target = registryPage(image.text);
    if (target) links.push({ range: image.range, target });
  }
  return links;
}

/** The web page of an image reference, following distribution's rule for the registry domain. */
export function registryPage(reference: string): string | undefined {
  const parsed = parseImageReference(reference);
  if ('error' in parsed) return undefined;
  const slash = parsed.name.indexOf('/');
  const first = slash < 0 ? '' : parsed.name.slice(0, slash);
  const hasDomain = first.includes('.') || first.includes(':') || first === 'localhost';
  const domain = hasDomain ? first : 'docker.io';
  const path = hasDomain ? parsed.name.slice(slash + 1) : parsed.name;
  switch (domain) {
    case 'docker.io':
    case 'index.docker.io':
    case 'registry-1.docker.io':
      return path.startsWith('library/') || !path.includes('/')
        ? `https://hub.docker.com/_/${path.replace(/^library\//, '')}`
        : `https://hub.docker.com/r/${path}`;
    case 'quay.io':
      return `https://quay.io/repository/${path}`;
    case 'mcr.microsoft.com':
      return `https://mcr.microsoft.com/artifact/mar/${path}`;
    default:
      return `https://${domain}/${path}`;
  }
}
