import { defineRule } from '../rule';

export default defineRule({
  code: 'ExposeInvalidFormat',
  ruleClass: 'check',
  description: 'IP address and host-port mapping should not be used in EXPOSE instruction. This will become an error in a future release',
  check(ctx) {
    for (const i of ctx.ofKind('EXPOSE')) {
      if (i.kind !== 'EXPOSE') continue;
      for (const p of i.ports) {
        if (!p.port.includes(':')) continue;
        const container = p.port.slice(p.port.lastIndexOf(':') + 1);
        ctx.reportOn(i, p.word.range, `EXPOSE instruction should not define an IP address or host-port mapping, found '${p.word.text}': expose only the container port '${container}' and publish it at run time`, [
          { title: `Expose only '${container}'`, edits: [{ range: p.portRange, newText: container }], preferred: true },
        ]);
      }
    }
  },
});
