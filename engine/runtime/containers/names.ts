// Docker-style generated names (`adjective_surname`) and name validation.
import { randomInt } from 'node:crypto';

const LEFT = ['admiring', 'brave', 'clever', 'dreamy', 'eager', 'focused', 'gallant', 'happy', 'jolly', 'keen', 'loving',
  'modest', 'nifty', 'optimistic', 'peaceful', 'quirky', 'relaxed', 'serene', 'tender', 'upbeat', 'vibrant', 'wizardly', 'zealous'];
const RIGHT = ['albattani', 'bohr', 'curie', 'darwin', 'euler', 'fermi', 'galileo', 'hopper', 'izzo', 'joliot', 'kepler',
  'lovelace', 'meitner', 'noether', 'ohm', 'pasteur', 'ritchie', 'shannon', 'turing', 'volta', 'wozniak', 'yalow'];

export function generateName(taken: (name: string) => boolean): string {
  for (let i = 0; ; i++) {
    const n = `${LEFT[randomInt(LEFT.length)]}_${RIGHT[randomInt(RIGHT.length)]}${i > 10 ? randomInt(10) : ''}`;
    if (!taken(n)) return n;
  }
}

export const VALID_NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
