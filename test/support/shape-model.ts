import os from 'node:os';
import path from 'node:path';
import { makeShapeModel, type ShapeModel } from '../../scripts/make-shape-model.js';

/**
 * The full-size generated model (npm run model:shape), kept in the system's temporary folder
 * between test and bench runs: written once (~15 s, ~590 MB), rewritten only when its generator
 * or the texts its vocabulary comes from change.
 */
export const SHAPE_MODELS_DIR = path.join(os.tmpdir(), 'civic-chatbot-shape-model');

export const shapeModel = (): ShapeModel => makeShapeModel(SHAPE_MODELS_DIR);
