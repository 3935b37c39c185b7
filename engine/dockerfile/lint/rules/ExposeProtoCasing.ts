import { defineRule } from '../rule';

export default defineRule({
  code: 'ExposeProtoCasing',
  ruleClass: 'check',
  description: 'Protocol in EXPOSE instruction should be lowercase',
  check(ctx) {
    for (const i of ctx.ofKind('EXPOSE')) {
      if (i.kind !== 'EXPOSE') continue;
      for (const p of i.ports) {
        if (!p.protocol || !p.protocolRange || p.protocol === p.protocol.toLowerCase() || !['tcp', 'udp', 'sctp'].includes(p.protocol.toLowerCase())) continue;
        const lower = p.protocol.toLowerCase();
        ctx.reportOn(i, p.protocolRange, `Defined protocol '${p.word.text}' in EXPOSE instruction should be lowercase: write '${lower}'`, [
          { title: `Change to '${lower}'`, edits: [{ range: p.protocolRange, newText: lower }], preferred: true },
        ]);
      }
    }
  },
});
