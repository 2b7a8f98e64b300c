// The behaviour list of lib/behaviours.js, against the iframe.
import { behaviours } from './lib/behaviours.js';

behaviours('iframe');
