import { definePractice } from '../practice';

export default definePractice('DL3002', {
  code: 'LastUserRoot',
  description: 'Last USER should not be root',
  check(ctx) {
    const final = ctx.model.stages[ctx.model.stages.length - 1];
    if (!final) return;
    const users = final.instructions.filter((i) => i.kind === 'USER' && i.args.length > 0);
    const last = users[users.length - 1];
    if (!last) return;
    const user = last.args[0].text.split(':')[0];
    if (user !== 'root' && user !== '0') return;
    ctx.reportOn(last, last.args[0].range, 'The image runs as root: switch to an unprivileged USER at the end of the final stage');
  },
});
