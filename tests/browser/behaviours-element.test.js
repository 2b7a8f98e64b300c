// The behaviour list of lib/behaviours.js, against the element.
import { behaviours } from './lib/behaviours.js';

behaviours('element');
