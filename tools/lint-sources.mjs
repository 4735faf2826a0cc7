// Lints sources as if they were the given files, with the repository's own configuration and project
// graph, in one process: the layer-rule tests hand it every case at once on stdin.
import { ESLint } from 'eslint';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const cases = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const eslint = new ESLint({ cwd: process.cwd() });
const results = [];
for (const { file, source } of cases) {
  const [result] = await eslint.lintText(source, { filePath: file });
  results.push(
    (result?.messages ?? []).map(({ ruleId, fatal, message }) => ({ ruleId, fatal: Boolean(fatal), message })),
  );
}
process.stdout.write(JSON.stringify(results));
