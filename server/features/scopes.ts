// The variable scopes of a model (engine/dockerfile/expand), computed once per model version.
import type { DockerfileModel } from '../../engine/dockerfile';
import { ScopeModel } from '../../engine/dockerfile/expand';

const cache = new WeakMap<DockerfileModel, ScopeModel>();

export function scopeModel(model: DockerfileModel): ScopeModel {
  let scopes = cache.get(model);
  if (!scopes) {
    scopes = new ScopeModel(model);
    cache.set(model, scopes);
  }
  return scopes;
}
