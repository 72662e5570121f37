import { it } from 'vitest';
import { sample, debianProfile } from '../../scripts/test-support/kernel';
import { createIcedDecoder } from '../../main/cpu/iced-decoder';
import { generateQuiz } from './generate';
import { quizMarkdown } from './sheet';
it('explore', () => {
  const q = generateQuiz({ profile: debianProfile(), decoder: createIcedDecoder(), module: { name: 'bad-crc.ko', bytes: sample('bad-crc/bad-crc.ko') }, deps: [], args: 'count=2', seed: 17, student: '', count: 30, kinds: ["resolution","checks"], kernel: '6.1' });
  console.log(JSON.stringify(q.available), q.commands, q.commands24);
  console.log(quizMarkdown(q, true));
});
