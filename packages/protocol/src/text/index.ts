export { compareCodePoints, foldCase } from './fold.ts';
