import { defineRule } from '../rule';

const SECRET = /(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)/i;
// BuildKit's allow-list (public, file, version) plus gpg: GPG key fingerprints are public (ENV GPG_KEY is everywhere).
const ALLOWED = /(?:_|^)(?:public|file|version|gpg)(?:_|$)/i;

export default defineRule({
  code: 'SecretsUsedInArgOrEnv',
  ruleClass: 'check',
  description: 'Sensitive data should not be used in the ARG or ENV commands',
  check(ctx) {
    for (const i of ctx.ofKind('ARG', 'ENV')) {
      if (i.kind !== 'ARG' && i.kind !== 'ENV') continue;
      for (const pair of i.pairs) {
        if (!SECRET.test(pair.key) || ALLOWED.test(pair.key)) continue;
        ctx.reportOn(i, pair.keyRange, `Do not use ARG or ENV instructions for sensitive data (${i.kind} "${pair.key}"): pass secrets with RUN --mount=type=secret`);
      }
    }
  },
});
