import type { Engine } from '../daemon';
import type { Router } from '../router';

/** What each route module exports as `register`: adds routes, may fill an engine slot, may await setup. */
export type RegisterRoutes = (router: Router, engine: Engine) => void | Promise<void>;
