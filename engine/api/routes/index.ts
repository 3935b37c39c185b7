// Every route module of the Engine API, one line each: `export { register as <name> } from './<file>';`.
// A module's `register(router, engine)` adds its routes and may fill an engine slot (containers, builder).
// Helpers B and C add their own line here (build, containers, exec, volumes, commit).
export { register as system } from './system';
export { register as info } from './info';
export { register as events } from './events';
export { register as images } from './images';
export { register as auth } from './auth';
export { register as pull } from './pull';
export { register as push } from './push';
export { register as build } from './build';
export { register as archive } from './archive';
export { register as containers } from './containers';
export { register as exec } from './exec';
export { register as volumes } from './volumes';
export { register as commit } from './commit';
