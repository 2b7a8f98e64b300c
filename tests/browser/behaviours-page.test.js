// The behaviour list of lib/behaviours.js, against the page.
import { behaviours } from './lib/behaviours.js';

behaviours('page');
