/** engine/tours: lessons (tours), their concepts and captions. The public surface for hosts. */
export type { LessonEntry, Tour } from './types';
export { CONCEPTS, CONCEPT_GROUPS } from './concepts';
export { LESSON_INDEX } from './lesson-index';
export { parseTour } from './parse';
export { runTour, TourRunError, type TourRun } from './run';
export { fillCaption } from './caption';
export { isTourError } from './errors';
