import { defineRule } from '../rule';
import { splitProtoPort, validatePortSpec } from '../values/port';

export default defineRule({
  code: 'InvalidPort',
  ruleClass: 'build',
  description: 'EXPOSE ports must be numbers or ranges (1-65535) with an optional tcp, udp or sctp protocol',
  check(ctx) {
    for (const i of ctx.ofKind('EXPOSE')) {
      if (i.kind !== 'EXPOSE') continue;
      for (const p of i.ports) {
        if (p.word.text.includes('$')) continue;
        const problem = validatePortSpec(p.word.text);
        if (!problem) continue;
        if (problem.kind === 'proto') {
          ctx.report({ code: 'InvalidProtocol', range: p.protocolRange ?? p.word.range, instruction: ctx.topLevelIndex(i), message: `${problem.message}: use tcp, udp or sctp` });
        } else {
          const { port } = splitProtoPort(p.word.text);
          ctx.reportOn(i, p.portRange, `${problem.message}: '${port}' must be a port number or range between 0 and 65535`);
        }
      }
    }
  },
});
