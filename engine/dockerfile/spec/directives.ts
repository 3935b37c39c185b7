import type { DirectiveSpec } from './types';

export const DIRECTIVES: DirectiveSpec[] = [
  {
    name: 'syntax',
    doc: 'Frontend image that builds this Dockerfile, e.g. `docker/dockerfile:1` (latest 1.x). Pin it when you rely on new features or `check=error=true`.',
    values: ['docker/dockerfile:1', 'docker/dockerfile:1-labs', 'docker/dockerfile-upstream:master'],
    link: 'https://docs.docker.com/reference/dockerfile/#syntax',
  },
  {
    name: 'escape',
    doc: 'Escape character of the file: `\\` (default) or `` ` `` (handy for Windows paths).',
    values: ['\\', '`'],
    link: 'https://docs.docker.com/reference/dockerfile/#escape',
  },
  {
    name: 'check',
    doc: 'Build-check configuration: `skip=<Rule,...|all>;error=<true|false>;experimental=<Rule,...|all>`.',
    values: ['skip=', 'error=true', 'experimental='],
    link: 'https://docs.docker.com/reference/dockerfile/#check',
  },
];

export const SIGNALS = [
  'SIGABRT', 'SIGALRM', 'SIGBUS', 'SIGCHLD', 'SIGCONT', 'SIGFPE', 'SIGHUP', 'SIGILL', 'SIGINT', 'SIGIO', 'SIGKILL', 'SIGPIPE',
  'SIGPROF', 'SIGPWR', 'SIGQUIT', 'SIGSEGV', 'SIGSTKFLT', 'SIGSTOP', 'SIGSYS', 'SIGTERM', 'SIGTRAP', 'SIGTSTP', 'SIGTTIN',
  'SIGTTOU', 'SIGURG', 'SIGUSR1', 'SIGUSR2', 'SIGVTALRM', 'SIGWINCH', 'SIGXCPU', 'SIGXFSZ',
];
