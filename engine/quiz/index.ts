export * from './types';
export { generateQuiz, validateQuizInput, QuizError, MAX_QUESTIONS, type QuizInput, type QuizFile } from './generate';
export { checkAnswer, checkPart, checkParts, parseNumber, type Marked } from './check';
export { quizMarkdown, sheetAndKeyMarkdown } from './sheet';
export { mixSeed } from './seed';
