// Local image routes: list, inspect, history, tag, remove, prune.
import { familiarString, parseReference, type ImageDetails, type ImageSummary } from '../../image';
import type { Engine } from '../daemon';
import { boolFilter, checkFilterKeys, labelsExclude, labelsMatch, parseTimestamp, referenceMatches } from '../filters';
import { badRequest, versionAtLeast, type RequestContext } from '../router';
import type { RegisterRoutes } from './types';

/** An ImageSummary as `GET /images/json` returns it (moby api/types/image.Summary). */
export function imageSummaryJson(s: ImageSummary, apiVersion: string, containers = -1): Record<string, unknown> {
  let repoTags = s.repoTags;
  let repoDigests = s.repoDigests;
  if (!versionAtLeast(apiVersion, '1.44') && repoTags.length === 0 && repoDigests.length === 0) {
    // before API 1.44 untagged images are listed with placeholder references
    repoTags = ['<none>:<none>'];
    repoDigests = ['<none>@<none>'];
  }
  return {
    Id: s.id, ParentId: s.parentId, RepoTags: repoTags, RepoDigests: repoDigests, Created: s.created,
    Size: s.size, SharedSize: -1, VirtualSize: s.size, Labels: s.labels, Containers: containers,
  };
}

/** An image as `GET /images/{name}/json` returns it (moby api/types.ImageInspect). */
function imageInspectJson(d: ImageDetails): Record<string, unknown> {
  const c = d.config;
  return {
    Id: d.id,
    RepoTags: d.repoTags,
    RepoDigests: d.repoDigests,
    Parent: d.parentId,
    Comment: c.comment ?? '',
    Created: c.created ?? new Date(0).toISOString(),
    Container: '',
    ContainerConfig: c.container_config ?? {},
    DockerVersion: c.docker_version ?? '',
    Author: c.author ?? '',
    Config: c.config ?? {},
    Architecture: c.architecture,
    Variant: c.variant,
    Os: c.os,
    Size: d.size,
    VirtualSize: d.size,
    GraphDriver: { Name: 'dockwright', Data: null },
    RootFS: { Type: 'layers', Layers: c.rootfs.diff_ids },
    Metadata: { LastTagTime: d.record.addedAt },
    Descriptor: d.manifest,
  };
}

function usersOf(engine: Engine, id: string): number {
  return engine.containers ? engine.containers.usingImage(id).length : 0;
}

async function listImages(ctx: RequestContext): Promise<void> {
  const filters = ctx.filters();
  checkFilterKeys(filters, ['reference', 'dangling', 'label', 'before', 'since', 'until']);
  const dangling = boolFilter('dangling', filters.get('dangling'));
  const refs = filters.get('reference');
  const until = filters.get('until')?.map((v) => parseTimestamp(v) / 1000);
  const all = await ctx.engine.images.list();
  const createdOf = async (name: string) => (await ctx.engine.images.inspect(name)).created;
  const before = filters.get('before') ? await Promise.all(filters.get('before')!.map(createdOf)) : [];
  const since = filters.get('since') ? await Promise.all(filters.get('since')!.map(createdOf)) : [];
  const out = all.filter((s) => {
    if (dangling !== undefined && (s.repoTags.length === 0) !== dangling) return false;
    if (refs?.length && !s.repoTags.concat(s.repoDigests).some((r) => refs.some((p) => referenceMatches(p, r)))) return false;
    if (!labelsMatch(filters.get('label'), s.labels)) return false;
    if (before.some((t) => s.created >= t) || since.some((t) => s.created <= t)) return false;
    if (until?.some((t) => s.created > t)) return false;
    return true;
  }).map((s) => {
    // with a reference filter Docker lists only the matching tags
    const matching = (list: string[]) => list.filter((r) => refs!.some((p) => referenceMatches(p, r)));
    const summary = refs?.length ? { ...s, repoTags: matching(s.repoTags), repoDigests: matching(s.repoDigests) } : s;
    return imageSummaryJson(summary, ctx.apiVersion, ctx.engine.containers ? usersOf(ctx.engine, s.id) : -1);
  });
  ctx.send(200, out);
}

async function inspectImage(ctx: RequestContext): Promise<void> {
  ctx.send(200, imageInspectJson(await ctx.engine.images.inspect(ctx.params.name)));
}

async function imageHistory(ctx: RequestContext): Promise<void> {
  ctx.send(200, await ctx.engine.images.history(ctx.params.name));
}

async function tagImage(ctx: RequestContext): Promise<void> {
  const repo = ctx.query.get('repo');
  if (!repo) throw badRequest('repository name (repo) is required');
  const tag = ctx.query.get('tag');
  const target = tag ? `${repo}:${tag}` : repo;
  const ref = parseReference(target); // 400 with Docker's message on an invalid or uppercase name
  if (ref.digest) throw badRequest('refusing to create a tag with a digest reference');
  const img = await ctx.engine.images.resolve(ctx.params.name);
  await ctx.engine.images.tag(ctx.params.name, target);
  ctx.engine.events.publish('image', 'tag', img.id, { name: familiarString({ ...ref, tag: ref.tag ?? 'latest' }) });
  ctx.send(201);
}

async function removeImage(ctx: RequestContext): Promise<void> {
  const engine = ctx.engine;
  const items = await engine.images.delete(ctx.params.name, {
    force: ctx.bool('force'),
    noprune: ctx.bool('noprune'),
    containersUsing: engine.containers ? (id) => engine.containers!.usingImage(id) : undefined,
  });
  for (const item of items) {
    if ('Untagged' in item) engine.events.publish('image', 'untag', item.Untagged, { name: item.Untagged });
    else engine.events.publish('image', 'delete', item.Deleted, { name: item.Deleted });
  }
  ctx.send(200, items);
}

async function pruneImages(ctx: RequestContext): Promise<void> {
  const filters = ctx.filters();
  checkFilterKeys(filters, ['dangling', 'label', 'label!', 'until']);
  const danglingOnly = boolFilter('dangling', filters.get('dangling')) ?? true;
  const until = filters.get('until')?.map((v) => parseTimestamp(v) / 1000);
  const { deleted, spaceReclaimed } = await ctx.engine.images.prune({
    all: !danglingOnly,
    inUse: ctx.engine.containers?.imagesInUse() ?? new Set(),
    keep: (s) => !labelsMatch(filters.get('label'), s.labels) || !labelsExclude(filters.get('label!'), s.labels)
      || (until?.some((t) => s.created > t) ?? false),
  });
  ctx.engine.events.publish('image', 'prune', '', { reclaimed: String(spaceReclaimed) });
  ctx.send(200, { ImagesDeleted: deleted.length ? deleted : null, SpaceReclaimed: spaceReclaimed });
}

export const register: RegisterRoutes = (router) => {
  router
    .get('/images/json', listImages)
    .post('/images/prune', pruneImages)
    .get('/images/{name:*}/json', inspectImage)
    .get('/images/{name:*}/history', imageHistory)
    .post('/images/{name:*}/tag', tagImage)
    .delete('/images/{name:*}', removeImage);
};
